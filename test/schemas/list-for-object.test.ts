// A list given where an object belongs is refused with its path (valibot's
// object schemas accept arrays). The walk that finds them runs on every
// request, so it skips the union options of a value holding no list at all:
// these cases pin down that nothing is missed by that shortcut.
import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { type InvokeRequest, ValidationError } from "tamar-model-client";
import { buildInvokeRequest } from "tamar-model-client/middleware";
import { listForObjectIssues } from "../../src/schemas/validate-request.js";

const userContext = { orgId: "org", userId: "user", clientType: "test" };
const chat = { provider: "openai", model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }], userContext } as const;
const google = { provider: "google", model: "gemini-2.5-flash", contents: "hi", userContext } as const;

async function issuesOf(request: unknown) {
  const error: unknown = await buildInvokeRequest(request as InvokeRequest, false).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (error === undefined) return [];
  expect(error).toBeInstanceOf(ValidationError);
  return (error as ValidationError).issues.map(({ path, message }) => [path, message]);
}

const listMessage = "Invalid type: Expected Object but received Array";

describe("a list where an object belongs", () => {
  it.each([
    ["a top-level object parameter", { ...chat, metadata: ["a"] }, "metadata"],
    ["a strict object", { ...google, config: ["x"] }, "config"],
    ["a list inside a union (Google contents)", { ...google, contents: [["x"]] }, "contents.0", "Invalid type: Expected string or Object but received Array"],
    ["an item of a list of objects (OpenAI Responses input)", { ...chat, messages: undefined, invokeType: "responses", input: [[1]] }, "input.0"],
  ])("%s is refused at its path", async (_name, request, path, message = listMessage) => {
    expect(await issuesOf(request)).toEqual([[path, message]]);
  });

  it("a union whose only object option gets a list is refused", async () => {
    const issues = await issuesOf({ ...chat, function_call: ["x"] });
    expect(issues).toHaveLength(1);
    expect(issues[0]![0]).toBe("function_call");
    expect(issues[0]![1]).toContain("received Array");
  });

  it("lists nested deep inside a union value are still found", async () => {
    const issues = await issuesOf({ ...google, config: { systemInstruction: [["x"]] } });
    expect(issues.map(([path]) => path)).toEqual(["config.systemInstruction.0"]);
  });

  it("union values holding no list, or lists where lists belong, pass", async () => {
    await expect(issuesOf({ ...google, config: { systemInstruction: { parts: [{ text: "be brief" }] } } })).resolves.toEqual([]);
    await expect(issuesOf({ ...google, contents: [{ role: "user", parts: [{ text: "hi" }] }] })).resolves.toEqual([]);
    await expect(issuesOf({ ...chat, tool_choice: { type: "function", function: { name: "f" } } })).resolves.toEqual([]);
  });

  it("a circular value inside a union ends the walk with the circular-reference issue", async () => {
    const cyclic: Record<string, unknown> = { type: "function" };
    cyclic["self"] = cyclic;
    expect(await issuesOf({ ...chat, tool_choice: cyclic })).toEqual([["tool_choice.self", "circular reference"]]);
  });
});

describe("the walk itself, on a schema where only the walk can see the list", () => {
  // A union option that valibot accepts for an object holding a list deeper
  // down, where the list stands in an object's place.
  const schema = v.object({
    setting: v.union([v.string(), v.looseObject({ inner: v.optional(v.looseObject({ deep: v.optional(v.looseObject({})) })) })]),
  });

  it("finds a list under an object-valued union input", () => {
    const input = { setting: { inner: { deep: ["x"] } } };
    expect(v.is(schema, input)).toBe(true);
    expect(listForObjectIssues(schema, input, "")).toEqual([{ path: "setting.inner.deep", message: listMessage }]);
    expect(listForObjectIssues(schema, input, "items.3.")).toEqual([{ path: "items.3.setting.inner.deep", message: listMessage }]);
  });

  it("finds nothing in union values without lists, circular ones included", () => {
    const cyclic: Record<string, unknown> = {};
    cyclic["inner"] = cyclic;
    expect(listForObjectIssues(schema, { setting: { inner: { deep: { a: 1 } } } }, "")).toEqual([]);
    expect(listForObjectIssues(schema, { setting: cyclic }, "")).toEqual([]);
  });

  it("reports a list given for the whole request at the request's own path", () => {
    expect(listForObjectIssues(schema, ["x"], "items.0.")).toEqual([{ path: "items.0", message: listMessage }]);
  });
});
