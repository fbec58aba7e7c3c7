// The enums are the route table's wire values under constant-style names:
// "image-edit-generation" → IMAGE_EDIT_GENERATION.

type ConstantName<S extends string> = S extends `${infer Head}-${infer Tail}` ? `${Uppercase<Head>}_${ConstantName<Tail>}` : Uppercase<S>;

/** `{ CONSTANT_NAME: "wire-value" }` for each value, in the order given. */
export type WireEnum<T extends string> = { readonly [V in T as ConstantName<V>]: V };

/** Builds a {@link WireEnum} from wire values. */
export function wireEnum<const T extends string>(values: readonly T[]): WireEnum<T> {
  return Object.freeze(Object.fromEntries(values.map((value) => [value.toUpperCase().replaceAll("-", "_"), value]))) as WireEnum<T>;
}
