/** GitHub's route shape; the shared TemplateRouter matches it against GitHub's OpenAPI path templates. */
import type { TemplateRoute } from "../http/router.js";
import type { ApiRequest, ApiResponse } from "./http.js";

export interface Route extends TemplateRoute {
  handle: (req: ApiRequest) => ApiResponse;
}
