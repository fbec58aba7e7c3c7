// ModelService as a nice-grpc service definition — the generated ts-proto
// definition converted the way nice-grpc converts it itself
// (service-definitions/ts-proto.js: fromPartial, then encode) — with some
// methods' requests or answers written by this package's own writers.
import type { NormalizedServiceDefinition } from "nice-grpc";
import { ModelServiceDefinition } from "../gen/model_service/model_service.js";

type Methods = typeof ModelServiceDefinition.methods;
type Fns = { decode(bytes: Uint8Array): unknown; encode(value: unknown): { finish(): Uint8Array }; fromPartial(value: unknown): unknown };
type Writers = { readonly [K in keyof Methods]?: (value: never) => Uint8Array };

/** What nice-grpc makes of the generated definition: the same methods, messages and types. */
export type ModelServiceWireDefinition = NormalizedServiceDefinition<typeof ModelServiceDefinition>;

/** The definition, with `requests` and `responses` writing the messages of the methods they name. */
export function wireServiceDefinition(writers: { readonly requests?: Writers; readonly responses?: Writers }): ModelServiceWireDefinition {
  return Object.fromEntries(
    Object.entries(ModelServiceDefinition.methods).map(([key, method]) => {
      const requestType = method.requestType as unknown as Fns;
      const responseType = method.responseType as unknown as Fns;
      const name = key as keyof Methods;
      return [
        key,
        {
          path: `/${ModelServiceDefinition.fullName}/${method.name}`,
          requestStream: method.requestStream,
          responseStream: method.responseStream,
          requestSerialize: writers.requests?.[name] ?? ((value: unknown) => requestType.encode(requestType.fromPartial(value)).finish()),
          requestDeserialize: requestType.decode,
          responseSerialize: writers.responses?.[name] ?? ((value: unknown) => responseType.encode(responseType.fromPartial(value)).finish()),
          responseDeserialize: responseType.decode,
          options: method.options,
        },
      ];
    }),
  ) as ModelServiceWireDefinition;
}
