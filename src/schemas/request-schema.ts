// How the request schemas are typed in the package's declarations: by the
// request type inferred from each schema, not by valibot's composition of it.
import type * as v from "valibot";

/**
 * `T` with every object and list readonly-compatible, so requests written
 * `as const` are accepted. Binary values and plain `object` stay as they are,
 * and so does a type that already accepts its readonly form (its lists are
 * readonly): a named message type stays named inside the request types.
 */
export type AcceptReadonly<T> = T extends Blob | Uint8Array | Date
  ? T
  : T extends object
    ? object extends T
      ? T
      : ReadonlyForm<T> extends T
        ? T
        : ReadonlyForm<T>
    : T;

type ReadonlyForm<T> = { readonly [K in keyof T]: AcceptReadonly<T[K]> };

/**
 * An object schema of request fields, typed by the request it accepts
 * (inferred from the schema) and carrying its entries (field name → schema)
 * for code that lists the fields. Parsing gives back the fields it was given:
 * these schemas transform nothing.
 */
export interface RequestSchema<TRequest> extends v.GenericSchema<TRequest, TRequest> {
  readonly entries: { readonly [field: string]: v.GenericSchema };
}

type ObjectSchema = v.GenericSchema & { readonly entries: v.ObjectEntries };

// A schema whose output is not its input (a transform, a default) cannot be
// typed as a RequestSchema: it fails to compile here.
type TransformsNothing<TSchema extends ObjectSchema> = [v.InferOutput<TSchema>] extends [v.InferInput<TSchema>]
  ? [v.InferInput<TSchema>] extends [v.InferOutput<TSchema>]
    ? unknown
    : never
  : never;

// The parameter types named from these schemas are written as mapped types
// (`{ [K in keyof Input]: Input[K] }`), not interfaces: a mapped type is
// printed by its name in declarations like an interface, and keeps the
// implicit index signature of an object literal type, so a request still
// converts to `Record<string, unknown>`.

/**
 * The same schema object, typed as a {@link RequestSchema} of its inferred
 * request. An exported const initialised from this has the request type
 * itself in its declaration, which an application's compiler reads as it is,
 * instead of the schema's valibot type that it would evaluate valibot's
 * inference over, entry by entry, on every use.
 */
export function asRequestSchema<const TSchema extends ObjectSchema>(
  schema: TSchema & TransformsNothing<TSchema>,
): RequestSchema<AcceptReadonly<v.InferInput<TSchema>>> {
  return schema as unknown as RequestSchema<AcceptReadonly<v.InferInput<TSchema>>>;
}
