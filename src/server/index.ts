export { startModelServer, type ModelServerOptions, type RunningModelServer } from "./start-model-server.js";
