/**
 * A valid one-second MP4 (H.264 Constrained Baseline, one frame) filled with
 * one colour, for the offline provider's video answers. The frame is coded
 * as I_PCM macroblocks — raw samples, no transform or entropy coding — which
 * keeps the encoder a page long while any H.264 decoder can play it.
 */

/** Writes an H.264 RBSP bit by bit: fixed-width fields and Exp-Golomb codes. */
class BitWriter {
  private readonly bytes: number[] = [];
  private current = 0;
  private used = 0;

  bit(value: number): this {
    this.current = (this.current << 1) | (value & 1);
    if (++this.used === 8) {
      this.bytes.push(this.current);
      this.current = 0;
      this.used = 0;
    }
    return this;
  }

  bits(value: number, width: number): this {
    for (let shift = width - 1; shift >= 0; shift--) this.bit((value >>> shift) & 1);
    return this;
  }

  /** ue(v): unsigned Exp-Golomb. */
  ue(value: number): this {
    const coded = value + 1;
    const width = 32 - Math.clz32(coded);
    return this.bits(0, width - 1).bits(coded, width);
  }

  /** se(v): signed Exp-Golomb. */
  se(value: number): this {
    return this.ue(value > 0 ? 2 * value - 1 : -2 * value);
  }

  alignWithZeros(): this {
    while (this.used !== 0) this.bit(0);
    return this;
  }

  /** rbsp_trailing_bits(): a one, then zeros to the byte boundary. */
  trailing(): Uint8Array {
    this.bit(1).alignWithZeros();
    return Uint8Array.from(this.bytes);
  }
}

/** A NAL unit: its header byte, then the RBSP with emulation prevention bytes. */
function nal(header: number, rbsp: Uint8Array): Buffer {
  const out: number[] = [header];
  let zeros = 0;
  for (const byte of rbsp) {
    if (zeros >= 2 && byte <= 3) {
      out.push(3);
      zeros = 0;
    }
    out.push(byte);
    zeros = byte === 0 ? zeros + 1 : 0;
  }
  return Buffer.from(out);
}

const PROFILE_BASELINE = 66;
const CONSTRAINTS = 0xc0; // constraint_set0 and set1: Constrained Baseline
const LEVEL = 30;

function sps(widthMbs: number, heightMbs: number): Buffer {
  const w = new BitWriter().bits(PROFILE_BASELINE, 8).bits(CONSTRAINTS, 8).bits(LEVEL, 8);
  w.ue(0); // seq_parameter_set_id
  w.ue(0); // log2_max_frame_num_minus4
  w.ue(2); // pic_order_cnt_type 2: output order = decoding order
  w.ue(1); // max_num_ref_frames
  w.bit(0); // gaps_in_frame_num_value_allowed_flag
  w.ue(widthMbs - 1).ue(heightMbs - 1);
  w.bit(1); // frame_mbs_only_flag
  w.bit(1); // direct_8x8_inference_flag
  w.bit(0); // frame_cropping_flag
  w.bit(0); // vui_parameters_present_flag
  return nal(0x67, w.trailing());
}

function pps(): Buffer {
  const w = new BitWriter();
  w.ue(0).ue(0); // pic_parameter_set_id, seq_parameter_set_id
  w.bit(0); // entropy_coding_mode_flag: CAVLC
  w.bit(0); // bottom_field_pic_order_in_frame_present_flag
  w.ue(0); // num_slice_groups_minus1
  w.ue(0).ue(0); // num_ref_idx_l0/l1_default_active_minus1
  w.bit(0).bits(0, 2); // weighted_pred_flag, weighted_bipred_idc
  w.se(0).se(0).se(0); // pic_init_qp_minus26, pic_init_qs_minus26, chroma_qp_index_offset
  w.bit(1); // deblocking_filter_control_present_flag
  w.bit(0); // constrained_intra_pred_flag
  w.bit(0); // redundant_pic_cnt_present_flag
  return nal(0x68, w.trailing());
}

const I_PCM = 25;

function idrSlice(macroblocks: number, [y, cb, cr]: readonly [number, number, number]): Buffer {
  const w = new BitWriter();
  w.ue(0); // first_mb_in_slice
  w.ue(7); // slice_type: I (every slice of the picture)
  w.ue(0); // pic_parameter_set_id
  w.bits(0, 4); // frame_num (log2_max_frame_num = 4)
  w.ue(0); // idr_pic_id
  w.bit(0).bit(0); // dec_ref_pic_marking: no_output_of_prior_pics_flag, long_term_reference_flag
  w.se(0); // slice_qp_delta
  w.ue(1); // disable_deblocking_filter_idc: off
  for (let mb = 0; mb < macroblocks; mb++) {
    w.ue(I_PCM).alignWithZeros();
    for (let i = 0; i < 256; i++) w.bits(y, 8);
    for (let i = 0; i < 64; i++) w.bits(cb, 8);
    for (let i = 0; i < 64; i++) w.bits(cr, 8);
  }
  return nal(0x65, w.trailing());
}

// --- ISO BMFF (MP4) boxes -------------------------------------------------

function box(type: string, ...parts: Buffer[]): Buffer {
  const body = Buffer.concat(parts);
  const header = Buffer.alloc(8);
  header.writeUInt32BE(8 + body.length, 0);
  header.write(type, 4, "ascii");
  return Buffer.concat([header, body]);
}

const fullBox = (type: string, version: number, flags: number, ...parts: Buffer[]) =>
  box(type, u32((version << 24) | flags), ...parts);

function u32(...values: number[]): Buffer {
  const out = Buffer.alloc(4 * values.length);
  values.forEach((value, i) => out.writeUInt32BE(value >>> 0, 4 * i));
  return out;
}

function u16(...values: number[]): Buffer {
  const out = Buffer.alloc(2 * values.length);
  values.forEach((value, i) => out.writeUInt16BE(value & 0xffff, 2 * i));
  return out;
}

const u8 = (...values: number[]) => Buffer.from(values);
const MATRIX = u32(0x00010000, 0, 0, 0, 0x00010000, 0, 0, 0, 0x40000000);
const TIMESCALE = 1000;
const DURATION = 1000; // one second

function avc1(width: number, height: number, spsNal: Buffer, ppsNal: Buffer): Buffer {
  const avcC = box(
    "avcC",
    u8(1, PROFILE_BASELINE, CONSTRAINTS, LEVEL, 0xff, 0xe1), // version, profile, compatibility, level, 4-byte lengths, 1 SPS
    u16(spsNal.length),
    spsNal,
    u8(1),
    u16(ppsNal.length),
    ppsNal,
  );
  const compressor = Buffer.alloc(32);
  return box(
    "avc1",
    Buffer.alloc(6), // reserved
    u16(1), // data_reference_index
    u16(0, 0),
    u32(0, 0, 0),
    u16(width, height),
    u32(0x00480000, 0x00480000, 0), // 72 dpi, reserved
    u16(1), // frame_count
    compressor,
    u16(0x0018, 0xffff), // depth, pre_defined -1
    avcC,
  );
}

/**
 * The MP4 file: `width`×`height` (multiples of 16) in one YCbCr colour
 * (each component 16–240 as video range wants).
 */
export function solidMp4(ycbcr: readonly [number, number, number], width = 32, height = 32): Buffer {
  const spsNal = sps(width / 16, height / 16);
  const ppsNal = pps();
  const frame = idrSlice((width / 16) * (height / 16), ycbcr);
  const sample = Buffer.concat([u32(frame.length), frame]);
  const ftyp = box("ftyp", Buffer.from("isom"), u32(0x200), Buffer.from("isomiso2avc1mp41"));
  const moovWith = (chunkOffset: number) =>
    box(
      "moov",
      fullBox("mvhd", 0, 0, u32(0, 0, TIMESCALE, DURATION, 0x00010000), u16(0x0100, 0), u32(0, 0), MATRIX, u32(0, 0, 0, 0, 0, 0), u32(2)),
      box(
        "trak",
        fullBox("tkhd", 0, 3, u32(0, 0, 1, 0, DURATION, 0, 0), u16(0, 0, 0, 0), MATRIX, u32(width << 16, height << 16)),
        box(
          "mdia",
          fullBox("mdhd", 0, 0, u32(0, 0, TIMESCALE, DURATION), u16(0x55c4, 0)), // language "und"
          fullBox("hdlr", 0, 0, u32(0), Buffer.from("vide"), u32(0, 0, 0), Buffer.from("VideoHandler\0")),
          box(
            "minf",
            fullBox("vmhd", 0, 1, u16(0, 0, 0, 0)),
            box("dinf", fullBox("dref", 0, 0, u32(1), fullBox("url ", 0, 1))),
            box(
              "stbl",
              fullBox("stsd", 0, 0, u32(1), avc1(width, height, spsNal, ppsNal)),
              fullBox("stts", 0, 0, u32(1, 1, DURATION)),
              fullBox("stss", 0, 0, u32(1, 1)),
              fullBox("stsc", 0, 0, u32(1, 1, 1, 1)),
              fullBox("stsz", 0, 0, u32(0, 1, sample.length)),
              fullBox("stco", 0, 0, u32(1, chunkOffset)),
            ),
          ),
        ),
      ),
    );
  // The sample's offset depends on moov's size, which does not depend on the offset's value.
  const moov = moovWith(ftyp.length + moovWith(0).length + 8);
  return Buffer.concat([ftyp, moov, box("mdat", sample)]);
}
