import websocket from '@fastify/websocket';
import type { FastifyInstance } from 'fastify';

/** The largest message a WebSocket client may send; client messages are small commands. */
const maxClientMessageBytes = 64 * 1024;

/**
 * Registers WebSocket support (upgrades go through the normal route, hooks and validation first,
 * so a refused upgrade is a plain HTTP answer in the uniform error shape). The authentication
 * hook reads `?token=` for routes with `config.tokenInQuery`.
 */
export async function installWebSockets(app: FastifyInstance): Promise<void> {
  // Added before the plugin, so it runs before the plugin's own preClose, which closes sockets
  // without a code: 1001 tells clients the server is going away (and that they may reconnect).
  app.addHook('preClose', async () => {
    for (const client of app.websocketServer.clients) client.close(1001, 'server shutting down');
  });
  await app.register(websocket, { options: { maxPayload: maxClientMessageBytes } });
}
