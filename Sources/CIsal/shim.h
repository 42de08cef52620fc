// The part of ISA-L's inflate interface (libisal.so.2, Debian libisal2) that GzipReader uses,
// declared here because the library is loaded with dlopen when it is present, not linked, so that
// building needs nothing new and a machine without it reads gzip with zlib (Inflater.swift says
// why). Written from the layout that igzip_lib.h documents for ISA-L 2.x (the library's ABI, which
// has not changed since 2.20); the system header is never included in the build.
// Tests/FlowIOTests/IsalLayoutTests.swift compiles a small C program with the real header, where
// it is installed, and compares sizeof and the offsets below with these declarations.
#include <stddef.h>
#include <stdint.h>

enum {
    /// crc_flag: parse the gzip header, verify the CRC-32 and ISIZE trailer.
    VPCFLOW_ISAL_GZIP = 1,
    /// block_state once a member is decoded and all of it written out.
    VPCFLOW_ISAL_BLOCK_FINISH = 5,
    /// isal_inflate's return values we tell apart (negative: the data is bad).
    VPCFLOW_ISAL_DECOMP_OK = 0,
    VPCFLOW_ISAL_INVALID_BLOCK = -1,
    VPCFLOW_ISAL_INVALID_SYMBOL = -2,
    VPCFLOW_ISAL_INVALID_LOOKBACK = -3,
    VPCFLOW_ISAL_INVALID_WRAPPER = -4,
    VPCFLOW_ISAL_UNSUPPORTED_METHOD = -5,
    VPCFLOW_ISAL_INCORRECT_CHECKSUM = -6,
};

/// Sizes of the lookup tables inside the state (ISAL_DECODE_LONG_BITS 12, ISAL_DECODE_SHORT_BITS
/// 10; the long tables are 286 + duplicates + unused entries, rounded up to 16).
enum {
    VPCFLOW_ISAL_LARGE_SHORT = 1 << 12,
    VPCFLOW_ISAL_LARGE_LONG = 1264,
    VPCFLOW_ISAL_SMALL_SHORT = 1 << 10,
    VPCFLOW_ISAL_SMALL_LONG = 80,
    VPCFLOW_ISAL_MAX_HDR_SIZE = 328,
    /// 2 * 32 KiB of history + 288 bytes of look-ahead.
    VPCFLOW_ISAL_TMP_OUT_SIZE = 2 * 32768 + 288,
};

/// `struct inflate_state`: the caller allocates it (87,368 bytes) and sets the stream fields.
/// Only next_out, avail_out, total_out, next_in, avail_in, block_state and crc_flag are touched
/// from Swift; the rest is laid out so that they land where the library reads them.
typedef struct vpcflow_isal_inflate_state {
    uint8_t *next_out;
    uint32_t avail_out;
    uint32_t total_out;
    uint8_t *next_in;
    uint64_t read_in;
    uint32_t avail_in;
    int32_t read_in_length;
    struct {
        uint32_t short_code_lookup[VPCFLOW_ISAL_LARGE_SHORT];
        uint16_t long_code_lookup[VPCFLOW_ISAL_LARGE_LONG];
    } lit_huff_code;
    struct {
        uint16_t short_code_lookup[VPCFLOW_ISAL_SMALL_SHORT];
        uint16_t long_code_lookup[VPCFLOW_ISAL_SMALL_LONG];
    } dist_huff_code;
    int32_t block_state;  // enum isal_block_state: an int-sized enum
    uint32_t dict_length;
    uint32_t bfinal;
    uint32_t crc_flag;
    uint32_t crc;
    uint32_t hist_bits;
    int32_t count;  // a union of type0_block_len, count and dict_id, all 32 bits
    int32_t write_overflow_lits;
    int32_t write_overflow_len;
    int32_t copy_overflow_length;
    int32_t copy_overflow_distance;
    int16_t wrapper_flag;
    int16_t tmp_in_size;
    int32_t tmp_out_valid;
    int32_t tmp_out_processed;
    uint8_t tmp_in_buffer[VPCFLOW_ISAL_MAX_HDR_SIZE];
    uint8_t tmp_out_buffer[VPCFLOW_ISAL_TMP_OUT_SIZE];
} vpcflow_isal_inflate_state;

/// isal_inflate_init and isal_inflate_reset.
typedef void (*vpcflow_isal_inflate_init_fn)(vpcflow_isal_inflate_state *state);
/// isal_inflate: returns VPCFLOW_ISAL_DECOMP_OK or a negative error.
typedef int (*vpcflow_isal_inflate_fn)(vpcflow_isal_inflate_state *state);

// The layout as this declaration has it, for the test that holds it to the real header.
static inline size_t vpcflow_isal_layout_size(void) { return sizeof(vpcflow_isal_inflate_state); }
static inline size_t vpcflow_isal_offset_next_out(void) { return offsetof(vpcflow_isal_inflate_state, next_out); }
static inline size_t vpcflow_isal_offset_avail_out(void) { return offsetof(vpcflow_isal_inflate_state, avail_out); }
static inline size_t vpcflow_isal_offset_total_out(void) { return offsetof(vpcflow_isal_inflate_state, total_out); }
static inline size_t vpcflow_isal_offset_next_in(void) { return offsetof(vpcflow_isal_inflate_state, next_in); }
static inline size_t vpcflow_isal_offset_avail_in(void) { return offsetof(vpcflow_isal_inflate_state, avail_in); }
static inline size_t vpcflow_isal_offset_block_state(void) { return offsetof(vpcflow_isal_inflate_state, block_state); }
static inline size_t vpcflow_isal_offset_crc_flag(void) { return offsetof(vpcflow_isal_inflate_state, crc_flag); }
