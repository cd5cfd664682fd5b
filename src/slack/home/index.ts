import type { EventHandler } from "../forms/types.js";
import { homeOpenedHandler, type HomeBoards } from "./boards.js";

/** The App Home's event handlers, drawing on `boards`. */
export function homeHandlers(boards: HomeBoards): readonly EventHandler[] {
  return [homeOpenedHandler(boards)];
}
