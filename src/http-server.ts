import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { HTTPReceiver } from "@slack/bolt";
import { GantryError } from "./errors.js";

/** A route answers true when it handled the request. */
export type Route = (req: IncomingMessage, res: ServerResponse) => boolean;

/** A route for one path (any query string), handled by `handle`. */
export function atPath(path: string, handle: (req: IncomingMessage, res: ServerResponse) => void): Route {
  return (req, res) => {
    if ((req.url ?? "").split("?")[0] !== path) return false;
    handle(req, res);
    return true;
  };
}

export interface HttpServerParts {
  /** Tried in order: health, metrics, extra routes, GitHub webhooks. */
  routes: readonly Route[];
  /** Slack's /slack/events, unless Gantry runs in Socket Mode. */
  bolt?: HTTPReceiver;
}

/** Gantry's one HTTP server: its routes first, then Bolt, then 404. */
export function createHttpServer(parts: HttpServerParts): Server {
  return createServer((req, res) => {
    for (const route of parts.routes) if (route(req, res)) return;
    if (parts.bolt) {
      // Bolt throws on paths it has no route for; a stray GET (a browser's /favicon.ico) must not end the process.
      try {
        return parts.bolt.requestListener(req, res);
      } catch (err) {
        if ((err as { code?: string }).code !== "slack_bolt_http_receiver_deferred_request_error") throw err;
      }
    }
    if (!res.headersSent) res.writeHead(404).end();
  });
}

/** Listens, or fails with words when the port is taken (instead of an unhandled 'error' event). */
export function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const failed = (err: NodeJS.ErrnoException) => {
      if (err.code !== "EADDRINUSE") return reject(err);
      reject(new GantryError("port_in_use", `port ${port} is already in use on ${host}: stop what listens there, or set PORT to a free port`, { port, host }));
    };
    server.once("error", failed);
    server.listen(port, host, () => {
      server.off("error", failed);
      resolve();
    });
  });
}
