// extend() stands in for `{ ...base, ...changes }` on the per-call path
// (see src/client/extend.ts for why): it must copy exactly as the spread would.
import { describe, expect, it } from "vitest";
import { extend } from "../../src/client/internal/extend.js";

describe("extend", () => {
  it("copies base, later keys win, base is left alone", () => {
    const signal = new AbortController().signal;
    const base = { retry: true, requestId: "a", signal };
    const copy = extend(base, { requestId: "b", deadline: 5 });
    expect(copy).toEqual({ retry: true, requestId: "b", signal, deadline: 5 });
    expect(copy).not.toBe(base);
    expect(base).toEqual({ retry: true, requestId: "a", signal });
  });

  it("copies symbol keys as a spread does", () => {
    const key = Symbol("private");
    const copy = extend({ [key]: 1, a: 1 }, { b: 2 });
    expect(copy).toEqual({ ...{ [key]: 1, a: 1 }, b: 2 });
    expect((copy as Record<symbol, unknown>)[key]).toBe(1);
  });

  it("an undefined change is set, not skipped, as in a spread", () => {
    const copy = extend({ a: 1 }, { a: undefined });
    expect(Object.hasOwn(copy, "a")).toBe(true);
    expect(copy.a).toBeUndefined();
  });
});
