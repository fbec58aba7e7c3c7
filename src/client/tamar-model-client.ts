import type { BatchRequest } from "../schemas/batch-request.js";
import type { AsyncInvokeRequest, InvokeRequest } from "../schemas/invoke-request.js";
import type { CallOptions } from "./internal/call.js";
import { invoke } from "./invoke.js";
import { type BatchResponse, invokeBatch } from "./invoke-batch.js";
import { invokeStream } from "./invoke-stream.js";
import { ConfigurationError } from "./errors.js";
import { createModelClient, type ModelClient, type ModelClientOptions } from "./model-client.js";
import type { CreatedTask } from "./response/created-task.js";
import type { ModelResponse } from "./response/model-response.js";
import { batchGetTaskStatus, getTaskStatus, type TaskStatus, type TaskStatusOptions } from "./task-status.js";
import { waitForTask, type WaitForTaskOptions } from "./wait-for-task.js";

/**
 * A class facade over the functional API, for code coming from the Python
 * SDK's `TamarModelClient`. `invoke` returns one answer; streams have their
 * own method, `invokeStream`.
 *
 * @example
 * await using client = new TamarModelClient("127.0.0.1:50051", { useTls: false });
 * const res = await client.invoke(request);
 */
export class TamarModelClient implements AsyncDisposable {
  /** The functional client behind the facade. */
  readonly client: ModelClient;

  /**
   * @param address the server's `host:port`, as the Python client's first
   *   argument (or the options, with or without `address`)
   * @param options the other options of {@link createModelClient}
   */
  constructor(address?: string | ModelClientOptions, options: Omit<ModelClientOptions, "address"> = {}) {
    if (typeof address === "string") {
      if (Object.hasOwn(options, "address")) throw new ConfigurationError("new TamarModelClient(address, options): the address is given twice");
      this.client = createModelClient({ ...options, address });
    }
    else if (address === undefined) this.client = createModelClient(options);
    else if (typeof address === "object" && address !== null && Object.keys(options).length === 0) this.client = createModelClient(address);
    else throw new ConfigurationError("new TamarModelClient(address, options) takes the address as a string; pass one options object otherwise");
  }

  /** See {@link invoke}. */
  invoke(request: InvokeRequest, options?: CallOptions): Promise<ModelResponse>;
  invoke(request: AsyncInvokeRequest, options?: CallOptions): Promise<CreatedTask>;
  invoke(request: InvokeRequest | AsyncInvokeRequest, options?: CallOptions): Promise<ModelResponse | CreatedTask> {
    return invoke(this.client, request as InvokeRequest, options);
  }

  /** See {@link invokeStream}. */
  invokeStream(request: InvokeRequest, options?: CallOptions): AsyncGenerator<ModelResponse, void, undefined> {
    return invokeStream(this.client, request, options);
  }

  /** See {@link invokeBatch}. */
  invokeBatch(request: BatchRequest, options?: CallOptions): Promise<BatchResponse> {
    return invokeBatch(this.client, request, options);
  }

  /** See {@link getTaskStatus}. */
  getTaskStatus(taskId: string, options?: TaskStatusOptions): Promise<TaskStatus> {
    return getTaskStatus(this.client, taskId, options);
  }

  /** See {@link batchGetTaskStatus}. */
  batchGetTaskStatus(taskIds: readonly string[], options?: TaskStatusOptions): Promise<TaskStatus[]> {
    return batchGetTaskStatus(this.client, taskIds, options);
  }

  /** See {@link waitForTask}. */
  waitForTask(taskId: string, options?: WaitForTaskOptions): Promise<TaskStatus> {
    return waitForTask(this.client, taskId, options);
  }

  /** Closes the channel; idempotent. */
  close(): Promise<void> {
    return this.client.close();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.client.close();
  }
}
