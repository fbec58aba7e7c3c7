import { expect, it } from "vitest";
import { main } from "../../examples/demo.js";

it("the README demo makes a real round trip through the reference server", async () => {
  const lines: string[] = [];
  const answers = await main((line) => lines.push(line));
  expect(answers.join("")).toContain("openai/chat-completions/gpt-4o-mini");
  expect(lines).toEqual(answers);
});
