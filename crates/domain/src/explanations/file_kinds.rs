//! What a violator may upload through their link: documents and images, recognised by their
//! content (magic bytes, through `infer`), under a name whose extension agrees with it. Anything
//! else (programs, scripts, archives, HTML, SVG, a PNG named `.pdf`) is refused with 415. Files
//! analysts upload are evidence of any kind and are not restricted; every file is served as a
//! download with `nosniff` whatever it holds.

use crate::{DomainError, DomainResult};

/// (media type `infer` reports, extensions a name may carry for it).
const ALLOWED: &[(&str, &[&str])] = &[
    ("image/png", &["png"]),
    ("image/jpeg", &["jpg", "jpeg", "jfif"]),
    ("image/gif", &["gif"]),
    ("image/webp", &["webp"]),
    ("image/bmp", &["bmp"]),
    ("image/tiff", &["tif", "tiff"]),
    ("image/heif", &["heic", "heif"]),
    ("application/pdf", &["pdf"]),
    ("application/msword", &["doc"]),
    ("application/vnd.ms-excel", &["xls"]),
    ("application/vnd.ms-powerpoint", &["ppt"]),
    ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", &["docx"]),
    ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", &["xlsx"]),
    ("application/vnd.openxmlformats-officedocument.presentationml.presentation", &["pptx"]),
    ("application/vnd.oasis.opendocument.text", &["odt"]),
    ("application/vnd.oasis.opendocument.spreadsheet", &["ods"]),
    ("application/vnd.oasis.opendocument.presentation", &["odp"]),
];

/// Extensions of plain text (content with no signature: UTF-8 without NUL bytes).
const TEXT: &[&str] = &["txt", "csv", "log", "md", "eml"];

/// Markup a browser would run if it ever rendered the file; refused even under a text name.
const MARKUP: &[&str] = &["<html", "<!doctype", "<script", "<svg", "<?xml", "<iframe", "<body"];

fn extension(name: &str) -> Option<String> {
    name.rsplit_once('.').map(|(_, ext)| ext.to_ascii_lowercase())
}

/// The media type to store for a violator's file `name` holding `data`, or why it is refused
/// (`UnsupportedType`, answered as 415).
pub fn violator_file(name: &str, data: &[u8]) -> DomainResult<&'static str> {
    let ext = extension(name).unwrap_or_default();
    let refuse = |what: &str| {
        let kinds: Vec<&str> =
            ALLOWED.iter().flat_map(|(_, e)| e.iter().copied()).chain(TEXT.iter().copied()).collect();
        Err(DomainError::UnsupportedType(format!(
            "{what}; a link takes documents and images: {}",
            kinds.join(", ")
        )))
    };
    if let Some(kind) = infer::get(data) {
        return match ALLOWED.iter().find(|(mime, _)| *mime == kind.mime_type()) {
            Some((mime, exts)) if exts.contains(&ext.as_str()) => Ok(mime),
            Some((mime, _)) => refuse(&format!("the file holds {mime} but its name ends in .{ext}")),
            None => refuse(&format!("files of type {} are not taken", kind.mime_type())),
        };
    }
    let text = std::str::from_utf8(data).ok().filter(|t| !t.contains('\0'));
    match text {
        Some(t) if TEXT.contains(&ext.as_str()) => {
            let head = t.trim_start_matches('\u{feff}').trim_start().to_ascii_lowercase();
            if MARKUP.iter().any(|m| head.starts_with(m)) {
                refuse("the text is HTML or XML markup")
            } else {
                Ok("text/plain")
            }
        }
        Some(_) => refuse(&format!("a text file must be named .{}", TEXT.join(", ."))),
        None => refuse("the file's type is not recognised"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";

    fn refused(name: &str, data: &[u8]) -> bool {
        matches!(violator_file(name, data), Err(DomainError::UnsupportedType(_)))
    }

    #[test]
    fn documents_images_and_text_pass_with_matching_names() {
        assert_eq!(violator_file("shot.PNG", PNG).ok(), Some("image/png"));
        assert_eq!(violator_file("receipt.pdf", b"%PDF-1.4 receipt").ok(), Some("application/pdf"));
        assert_eq!(violator_file("note.txt", "보안 메모\n".as_bytes()).ok(), Some("text/plain"));
        assert_eq!(violator_file("a.jpeg", b"\xFF\xD8\xFF\xE0\0\x10JFIF").ok(), Some("image/jpeg"));
    }

    #[test]
    fn programs_mismatched_names_markup_and_unknown_bytes_are_refused() {
        assert!(refused("tool.exe", b"MZ\x90\0\x03\0\0\0\x04\0\0\0\xFF\xFF"));
        assert!(refused("photo.png", b"MZ\x90\0\x03\0\0\0\x04\0\0\0\xFF\xFF"), "a program named .png");
        assert!(refused("doc.pdf", PNG), "a PNG named .pdf");
        assert!(refused("run.sh", b"#!/bin/sh\nrm -rf /\n"));
        assert!(refused("page.txt", b"<html><script>alert(1)</script>"));
        assert!(refused("image.txt", b"  <svg onload=alert(1)>"));
        assert!(refused("blob.bin", &[0, 1, 2, 3, 255]));
        assert!(refused("noext", b"plain words"));
        assert!(refused("x.elf", b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0"));
    }
}
