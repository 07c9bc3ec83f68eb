//! msgpack as Python's msgpack packs it with `use_bin_type=True` (what spaCy's `srsly` uses):
//! the smallest form of each value, strings as `str`, bytes as `bin`. `rmp` does the encoding;
//! these wrappers write into memory, where a write cannot fail.

use rmp::encode;
use serde_json::Value;

/// Writes into a `Vec`, which never refuses bytes.
fn infallible<E: std::fmt::Debug>(written: Result<impl Sized, E>) {
    written.expect("writing msgpack into memory cannot fail");
}

pub fn nil(out: &mut Vec<u8>) {
    infallible(encode::write_nil(out));
}

pub fn bool(out: &mut Vec<u8>, v: bool) {
    infallible(encode::write_bool(out, v));
}

pub fn uint(out: &mut Vec<u8>, v: u64) {
    infallible(encode::write_uint(out, v));
}

pub fn str(out: &mut Vec<u8>, s: &str) {
    infallible(encode::write_str(out, s));
}

pub fn bin_header(out: &mut Vec<u8>, len: usize) {
    infallible(encode::write_bin_len(out, len as u32));
}

pub fn bin(out: &mut Vec<u8>, b: &[u8]) {
    infallible(encode::write_bin(out, b));
}

pub fn array(out: &mut Vec<u8>, len: usize) {
    infallible(encode::write_array_len(out, len as u32));
}

pub fn map(out: &mut Vec<u8>, len: usize) {
    infallible(encode::write_map_len(out, len as u32));
}

/// A JSON value as msgpack: integers in their smallest form (non-negative ones unsigned, as
/// Python packs them), other numbers as 64-bit floats.
pub fn json(out: &mut Vec<u8>, v: &Value) {
    match v {
        Value::Null => nil(out),
        Value::Bool(b) => bool(out, *b),
        Value::Number(n) => {
            if let Some(u) = n.as_u64() {
                uint(out, u);
            } else if let Some(i) = n.as_i64() {
                infallible(encode::write_sint(out, i));
            } else {
                infallible(encode::write_f64(out, n.as_f64().unwrap_or(f64::NAN)));
            }
        }
        Value::String(s) => str(out, s),
        Value::Array(items) => {
            array(out, items.len());
            items.iter().for_each(|i| json(out, i));
        }
        Value::Object(map) => {
            self::map(out, map.len());
            for (k, v) in map {
                str(out, k);
                json(out, v);
            }
        }
    }
}
