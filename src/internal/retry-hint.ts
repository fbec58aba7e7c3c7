/**
 * The server's back-off hint on the wire, in its two forms: this project's
 * `retry-after-ms` trailer, and the standard `google.rpc.Status` whose
 * details hold a `google.rpc.RetryInfo`, sent binary in the
 * `grpc-status-details-bin` trailer (as grpcio's `rpc_status` and Google's
 * APIs send it). The Status is four small messages, so they are coded here
 * with the protobuf wire runtime rather than generated from googleapis:
 * field numbers per google/rpc/status.proto, google/rpc/error_details.proto,
 * google/protobuf/{any,duration}.proto. Server and client read this one
 * definition.
 */
import { BinaryReader, BinaryWriter, WireType } from "@bufbuild/protobuf/wire";

/** Trailer with the hint in milliseconds (decimal text). */
export const RETRY_AFTER_TRAILER = "retry-after-ms";

/** Trailer of the binary `google.rpc.Status`. */
export const STATUS_DETAILS_TRAILER = "grpc-status-details-bin";

/** `Any.type_url` of a RetryInfo detail. */
export const RETRY_INFO_TYPE_URL = "type.googleapis.com/google.rpc.RetryInfo";

/** A `google.rpc.Status` with one RetryInfo detail of `retryDelayMs`. */
export function encodeRetryStatus(code: number, message: string, retryDelayMs: number): Uint8Array {
  const ms = Math.max(0, Math.ceil(retryDelayMs));
  // Duration { seconds = 1; nanos = 2 }
  const duration = new BinaryWriter().tag(1, WireType.Varint).int64(Math.floor(ms / 1000)).tag(2, WireType.Varint).int32((ms % 1000) * 1_000_000).finish();
  // RetryInfo { retry_delay = 1 }
  const retryInfo = new BinaryWriter().tag(1, WireType.LengthDelimited).bytes(duration).finish();
  // Any { type_url = 1; value = 2 }
  const any = new BinaryWriter().tag(1, WireType.LengthDelimited).string(RETRY_INFO_TYPE_URL).tag(2, WireType.LengthDelimited).bytes(retryInfo).finish();
  // Status { code = 1; message = 2; details = 3 }
  // proto3 leaves a zero code (OK) out, as every encoder does.
  const status = new BinaryWriter();
  if (code !== 0) status.tag(1, WireType.Varint).int32(code);
  return status
    .tag(2, WireType.LengthDelimited)
    .string(message)
    .tag(3, WireType.LengthDelimited)
    .bytes(any)
    .finish();
}

// Calls `field` for each field of a message, skipping the ones it does not read.
function readFields(bytes: Uint8Array, field: (reader: BinaryReader, number: number, type: WireType) => boolean): void {
  const reader = new BinaryReader(bytes);
  while (reader.pos < reader.len) {
    const [number, type] = reader.tag();
    if (!field(reader, number, type)) reader.skip(type, number);
  }
}

/**
 * The retry delay of the first RetryInfo detail in a binary
 * `google.rpc.Status`, ms; undefined when there is none or the bytes are
 * not a Status (a hint that cannot be read is no hint).
 */
export function retryDelayMsOfStatus(bytes: Uint8Array): number | undefined {
  try {
    let delayMs: number | undefined;
    readFields(bytes, (status, number, type) => {
      if (number !== 3 || type !== WireType.LengthDelimited || delayMs !== undefined) return false;
      let typeUrl = "";
      let value: Uint8Array | undefined;
      readFields(status.bytes(), (any, field, wire) => {
        if (field === 1 && wire === WireType.LengthDelimited) typeUrl = any.string();
        else if (field === 2 && wire === WireType.LengthDelimited) value = any.bytes();
        else return false;
        return true;
      });
      if (typeUrl !== RETRY_INFO_TYPE_URL || value === undefined) return true;
      let seconds = 0;
      let nanos = 0;
      let found = false;
      readFields(value, (retryInfo, field, wire) => {
        if (field !== 1 || wire !== WireType.LengthDelimited) return false;
        found = true;
        readFields(retryInfo.bytes(), (duration, part, kind) => {
          if (part === 1 && kind === WireType.Varint) seconds = Number(duration.int64());
          else if (part === 2 && kind === WireType.Varint) nanos = duration.int32();
          else return false;
          return true;
        });
        return true;
      });
      const ms = seconds * 1000 + nanos / 1_000_000;
      if (found && Number.isFinite(ms) && ms >= 0) delayMs = Math.ceil(ms);
      return true;
    });
    return delayMs;
  } catch {
    return undefined;
  }
}
