import { NodeTypeRegistry } from './node-type.js';
import { agentNode } from './nodes/agent.node.js';
import { codeNode } from './nodes/code.node.js';
import { conditionNode } from './nodes/condition.node.js';
import { delayNode } from './nodes/delay.node.js';
import { endNode } from './nodes/end.node.js';
import { httpNode } from './nodes/http.node.js';
import { humanApprovalNode } from './nodes/human-approval.node.js';
import { iterationNode } from './nodes/iteration.node.js';
import { knowledgeRetrievalNode } from './nodes/knowledge-retrieval.node.js';
import { llmNode } from './nodes/llm.node.js';
import { loopNode } from './nodes/loop.node.js';
import { parameterExtractorNode } from './nodes/parameter-extractor.node.js';
import { questionClassifierNode } from './nodes/question-classifier.node.js';
import { startNode } from './nodes/start.node.js';
import { subWorkflowNode } from './nodes/sub-workflow.node.js';
import { templateNode } from './nodes/template.node.js';
import { toolNode } from './nodes/tool.node.js';
import { variableAggregatorNode } from './nodes/variable-aggregator.node.js';
import { variableAssignerNode } from './nodes/variable-assigner.node.js';

/**
 * Every built-in node type. Parallel branches and joins are not node types: several edges leaving
 * a node run their targets at once, and a node with several incoming edges waits for all of them.
 */
export function builtinNodeTypes(): NodeTypeRegistry {
  return new NodeTypeRegistry()
    .register(startNode)
    .register(endNode)
    .register(llmNode)
    .register(agentNode)
    .register(knowledgeRetrievalNode)
    .register(toolNode)
    .register(httpNode)
    .register(codeNode)
    .register(conditionNode)
    .register(questionClassifierNode)
    .register(parameterExtractorNode)
    .register(templateNode)
    .register(variableAssignerNode)
    .register(variableAggregatorNode)
    .register(iterationNode)
    .register(loopNode)
    .register(subWorkflowNode)
    .register(humanApprovalNode)
    .register(delayNode);
}
