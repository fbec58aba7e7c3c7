import { createModelClient, invoke, waitForTask } from "tamar-model-client";

await using client = createModelClient();
const userContext = { orgId: "org-1", userId: "user-1", clientType: "docs" };

// Video generation runs as an asynchronous task: invoke answers at once.
const task = await invoke(client, {
  provider: "openai", // invokeType "video-generation" is inferred from the sora-* model
  model: "sora-2",
  prompt: "A paper kite over a calm sea at dawn.",
  seconds: "8",
  enableAsyncTask: true,
  callbackUrl: "https://hooks.example.com/tamar", // optional: the server POSTs the finished task here
  userContext,
});
console.log(task.taskId, task.status); // "processing"

// Poll with backoff and jitter until it ends (or give up after 10 minutes).
const done = await waitForTask(client, task.taskId, { userContext, timeoutMs: 10 * 60_000 });
if (done.status === "failed") throw new Error(done.errorMessage);
const [video] = done.resultData?.["videos"] as Array<{ mime_type: string; url?: string; data?: string }>;
console.log(done.completedAt?.toISOString(), video?.mime_type);
