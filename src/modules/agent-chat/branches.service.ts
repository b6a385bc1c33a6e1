import type { Clock } from '../../platform/clock.js';
import { notFound } from '../../platform/errors/app-error.js';
import type { Actor } from '../../platform/http/authenticate.js';
import type { IdGenerator } from '../../platform/ids.js';
import { pageOf, pageWindow } from '../../platform/pagination.js';
import type { AgentsService } from '../agents/agents.service.js';
import { agentTurn } from './agent-turn.js';
import type { CreateBranchInput, ListBranchesQuery } from './branches.schemas.js';
import { sessionNotFound } from './chat.errors.js';
import type { ChatRunner } from './chat-runner.js';
import { defaultHistoryLimits } from './chat.service.js';
import { toHistoryMessage } from './turn-messages.js';
import type { ConversationsRepository, SessionRecord } from './conversations.repository.js';

/** What the branches service is made of. */
export interface BranchesServiceDeps {
  conversations: ConversationsRepository;
  runner: ChatRunner;
  agents: AgentsService;
  clock: Clock;
  ids: IdGenerator;
}

const branchNotFound = (id: string) => notFound('BRANCH_NOT_FOUND', 'Branch', id);
const messageNotFound = (id: string) => notFound('MESSAGE_NOT_FOUND', 'Message', id);

function toBranch(session: SessionRecord) {
  return {
    id: session.id,
    name: session.title,
    parent_session_id: session.parentSessionId!,
    forked_from_message_id: session.forkedFromMessageId!,
    agent_id: session.agentId,
    created_at: session.createdAt.toISOString(),
    updated_at: session.updatedAt.toISOString(),
  };
}

/** Conversation branches: fork a session at a message and go on there, leaving the original as it was. */
export class BranchesService {
  constructor(private readonly deps: BranchesServiceDeps) {}

  async create(actor: Actor, input: CreateBranchInput) {
    const source = await this.deps.conversations.findById(actor.userId, input.session_id);
    if (!source) throw sessionNotFound(input.session_id);
    const branch = await this.deps.conversations.fork({
      id: this.deps.ids.uuid(),
      ownerId: actor.userId,
      sessionId: source.id,
      messageId: input.message_id,
      title: input.name ?? source.title,
      now: this.deps.clock.now(),
    });
    if (!branch) throw messageNotFound(input.message_id);
    return toBranch(branch);
  }

  async list(actor: Actor, query: ListBranchesQuery) {
    const result = await this.deps.conversations.listBranches(actor.userId, query.session_id, pageWindow(query));
    return pageOf(query, result, toBranch);
  }

  async get(actor: Actor, id: string) {
    const branch = await this.require(actor, id);
    const messages = await this.deps.conversations.messages(branch.id);
    return { ...toBranch(branch), messages: messages.map(toHistoryMessage) };
  }

  async delete(actor: Actor, id: string): Promise<void> {
    await this.require(actor, id);
    await this.deps.conversations.delete(actor.userId, id);
  }

  /** One more turn on the branch, with the branch's history; the original session is untouched. */
  async resume(actor: Actor, id: string, message: string, signal?: AbortSignal) {
    const branch = await this.require(actor, id);
    if (branch.agentId) {
      const agent = await this.deps.agents.forChat(actor, branch.agentId);
      return this.deps.runner.reply(actor, agentTurn(agent, { message, session_id: branch.id }), { signal });
    }
    const bare = { message, sessionId: branch.id, agentId: null, selector: undefined, history: defaultHistoryLimits };
    return this.deps.runner.reply(actor, bare, { signal });
  }

  private async require(actor: Actor, id: string): Promise<SessionRecord> {
    const session = await this.deps.conversations.findById(actor.userId, id);
    if (!session || !session.parentSessionId) throw branchNotFound(id);
    return session;
  }
}
