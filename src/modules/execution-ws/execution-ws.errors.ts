import { AppError } from '../../platform/errors/app-error.js';

/** 400: a plain GET on the WebSocket route. */
export const upgradeRequired = () =>
  new AppError({
    code: 'WS_UPGRADE_REQUIRED',
    category: 'bad_request',
    message: 'This endpoint is a WebSocket: connect with an Upgrade: websocket request',
  });

/** A client message that is not JSON or not one of the known commands (sent back, the socket stays open). */
export const socketMessageInvalid = (reason: string) =>
  new AppError({ code: 'WS_MESSAGE_INVALID', category: 'validation', message: `Invalid message: ${reason}` });
