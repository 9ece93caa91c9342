//! Text into the bytes of an export's encoding. A character the encoding cannot hold never
//! fails the stream: markup formats write it as a character reference (lossless), JSON as a
//! `\u` escape (lossless), CSV as `?`.

use socdesk_types::export::ExportEncoding;

/// How a character the encoding cannot hold is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unmappable {
    /// `&#128512;` (XML and HTML).
    CharacterReference,
    /// `\ud83d\ude00` (inside JSON strings, where every non-ASCII character is).
    JsonEscape,
    /// `?`.
    Question,
}

/// The byte order mark the file starts with, if any.
pub fn bom(encoding: ExportEncoding) -> &'static [u8] {
    match encoding {
        ExportEncoding::Utf8Bom => b"\xEF\xBB\xBF",
        ExportEncoding::Utf16Le => b"\xFF\xFE",
        ExportEncoding::Utf8 | ExportEncoding::EucKr => b"",
    }
}

/// `text` in `encoding`, appended to `out`.
pub fn encode_into(encoding: ExportEncoding, text: &str, unmappable: Unmappable, out: &mut Vec<u8>) {
    match encoding {
        ExportEncoding::Utf8 | ExportEncoding::Utf8Bom => out.extend_from_slice(text.as_bytes()),
        // UTF-16 holds every character; encoding_rs encodes to UTF-8 only (WHATWG), so this is
        // the standard library's UTF-16 code units, little-endian.
        ExportEncoding::Utf16Le => out.extend(text.encode_utf16().flat_map(u16::to_le_bytes)),
        ExportEncoding::EucKr => encode_legacy(encoding_rs::EUC_KR, text, unmappable, out),
    }
}

fn encode_legacy(
    encoding: &'static encoding_rs::Encoding,
    text: &str,
    unmappable: Unmappable,
    out: &mut Vec<u8>,
) {
    use encoding_rs::EncoderResult;
    let mut encoder = encoding.new_encoder();
    let mut rest = text;
    let mut buffer = [0u8; 4096];
    loop {
        let (result, read, written) = encoder.encode_from_utf8_without_replacement(rest, &mut buffer, true);
        out.extend_from_slice(&buffer[..written]);
        rest = &rest[read..];
        match result {
            EncoderResult::InputEmpty => return,
            EncoderResult::OutputFull => {}
            EncoderResult::Unmappable(c) => match unmappable {
                Unmappable::CharacterReference => {
                    out.extend_from_slice(format!("&#{};", u32::from(c)).as_bytes())
                }
                Unmappable::JsonEscape => {
                    let mut units = [0u16; 2];
                    for unit in c.encode_utf16(&mut units) {
                        out.extend_from_slice(format!("\\u{unit:04x}").as_bytes());
                    }
                }
                Unmappable::Question => out.push(b'?'),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encode(encoding: ExportEncoding, text: &str, unmappable: Unmappable) -> Vec<u8> {
        let mut out = Vec::new();
        encode_into(encoding, text, unmappable, &mut out);
        out
    }

    #[test]
    fn korean_survives_euc_kr_and_what_it_cannot_hold_is_replaced() {
        let bytes = encode(ExportEncoding::EucKr, "보안 😀 ok", Unmappable::Question);
        let (back, _, had_errors) = encoding_rs::EUC_KR.decode(&bytes);
        assert!(!had_errors);
        assert_eq!(back, "보안 ? ok");
        let bytes = encode(ExportEncoding::EucKr, "😀", Unmappable::CharacterReference);
        assert_eq!(bytes, b"&#128512;");
        let bytes = encode(ExportEncoding::EucKr, "😀", Unmappable::JsonEscape);
        assert_eq!(bytes, b"\\ud83d\\ude00");
        let value: String = serde_json::from_slice(&[b"\"", &bytes[..], b"\""].concat()).unwrap();
        assert_eq!(value, "😀");
    }

    #[test]
    fn utf16_is_little_endian_with_a_bom() {
        assert_eq!(bom(ExportEncoding::Utf16Le), [0xFF, 0xFE]);
        assert_eq!(encode(ExportEncoding::Utf16Le, "A보", Unmappable::Question), [0x41, 0, 0xF4, 0xBC]);
        assert_eq!(bom(ExportEncoding::Utf8Bom), [0xEF, 0xBB, 0xBF]);
        assert!(bom(ExportEncoding::EucKr).is_empty());
    }

    #[test]
    fn long_text_crosses_the_buffer() {
        let text = "가".repeat(5000) + "😀";
        let bytes = encode(ExportEncoding::EucKr, &text, Unmappable::Question);
        assert_eq!(bytes.len(), 10_001);
    }
}
