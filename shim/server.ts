import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { carriesSecret } from './auth.js';
import type { ShimContext } from './context.js';
import { handleHealth } from './health-handler.js';
import { clientWentAway, RequestError, sendText } from './http-io.js';
import { handleNotify } from './notify-handler.js';
import { handleRegister } from './register-handler.js';

/** Handles one request to one endpoint. */
export type Route = (
  req: IncomingMessage,
  res: ServerResponse,
  ctx: ShimContext,
) => Promise<void>;

/** Handlers that replace the local mode's, per endpoint (the AWS mode uses all three). */
export type RouteOverrides = Partial<Record<'/register' | '/notify' | '/health', Route>>;

const ROUTES: Record<string, { method: string; handle: Route }> = {
  '/register': { method: 'POST', handle: handleRegister },
  '/notify': { method: 'POST', handle: handleNotify },
  '/health': { method: 'GET', handle: (_req, res, ctx) => handleHealth(res, ctx) },
};

/**
 * Creates the HTTP server that speaks the API of Dovecot's xaps plugin (2.3 and
 * the 2.4 fork): POST /register, POST /notify, plus GET /health. Not yet listening.
 */
export function createShimServer(
  ctx: ShimContext,
  overrides: RouteOverrides = {},
): Server {
  const routes = { ...ROUTES };
  for (const [path, handle] of Object.entries(overrides)) {
    const route = routes[path];
    if (route !== undefined && handle !== undefined) {
      routes[path] = { method: route.method, handle };
    }
  }
  const server = createServer((req, res) => {
    void dispatch(req, res, ctx, routes);
  });
  return server;
}

async function dispatch(
  req: IncomingMessage,
  res: ServerResponse,
  ctx: ShimContext,
  routes: typeof ROUTES,
) {
  const path = (req.url ?? '/').split('?')[0] ?? '/';
  try {
    if (ctx.sharedSecret !== undefined && !carriesSecret(req, ctx.sharedSecret)) {
      ctx.logger.warn('request rejected: missing or wrong shared secret', {
        path,
        remoteAddress: req.socket.remoteAddress,
      });
      res.setHeader('WWW-Authenticate', 'Basic realm="xaps"');
      throw new RequestError(
        401,
        'missing or wrong shared secret: see XAPS_SHARED_SECRET',
      );
    }

    const route = routes[path];
    if (route === undefined) {
      throw new RequestError(404, `no such endpoint: ${path}`);
    }
    if (req.method !== route.method) {
      res.setHeader('Allow', route.method);
      throw new RequestError(405, `${path} accepts ${route.method} only`);
    }
    await route.handle(req, res, ctx);
  } catch (error) {
    sendErrorResponse(req, res, ctx, path, error);
  }
}

function sendErrorResponse(
  req: IncomingMessage,
  res: ServerResponse,
  ctx: ShimContext,
  path: string,
  error: unknown,
): void {
  if (clientWentAway(req, res)) {
    // Plugin timeouts and slow clients close the connection, so no response can be sent.
    ctx.logger.info('request aborted by the client', {
      path,
      reason: error instanceof Error ? error.message : String(error),
    });
    return;
  }
  if (res.headersSent) {
    ctx.logger.error('request failed after the response started', { path, error });
    res.destroy();
    return;
  }
  if (error instanceof RequestError) {
    if (error.status !== 401) {
      ctx.logger.warn('request rejected', {
        path,
        status: error.status,
        reason: error.message,
      });
    }
    sendText(res, error.status, error.message);
    return;
  }

  ctx.logger.error('request failed', { path, method: req.method, error });
  const topic =
    path === '/register' ? (ctx.credential?.topic ?? ctx.topicFile.get()) : undefined;
  if (topic !== undefined) {
    // A 5xx after an earlier 200 makes the Dovecot xaps plugin 2.3 corrupt the IMAP stream.
    sendText(res, 200, topic);
    return;
  }
  sendText(res, 500, 'internal error: see the xaps log');
}
