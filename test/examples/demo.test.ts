import { expect, it } from "vitest";
import { main } from "../../examples/demo.js";

it("the README demo calls the reference server through the client: invoke, stream, batch, a video task, validation", async () => {
  const lines: string[] = [];
  await main((line) => lines.push(line));
  expect(lines[0]).toMatch(/^reference server listening on 127\.0\.0\.1:\d+ \(offline provider, JWT required\)$/);
  expect(lines[1]).toMatch(/^invoke: +\[openai\/chat-completions\/gpt-4o-mini\] .* \[finish: stop, tokens: \d+\]$/);
  // maxOutputTokens: 8 asks the offline model for eight one-word chunks.
  expect(lines[2]).toMatch(/^invokeStream: 8 chunks: \[google\/generation\/gemini-2\.5-flash\] /);
  expect(lines[3]).toMatch(/^invokeBatch: +greeting -> \[anthropic\/messages\/claude-sonnet-4-5\] /);
  expect(lines[4]).toMatch(/^invokeBatch: +summary -> \[azure\/responses\/gpt-4o\] /);
  expect(lines[5]).toMatch(/^video task: +task_[0-9a-f]{32} processing$/);
  expect(lines[6]).toMatch(/^video task: +completed after \d+ ms: video\/mp4, \d+ bytes$/);
  expect(lines[7]).toBe("validation:   temperature: unknown field: Google takes it inside config (config.temperature)");
  expect(lines).toHaveLength(8);
});
