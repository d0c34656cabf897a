//! Compressed copies, made once: `.br` and `.gz` files written beside the
//! built site's static files (the server's `/pkg` and `public/` routes send
//! the one a browser accepts, never compressing per request), and the
//! encoders the page cache uses for finished pages.

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// File types worth compressing; images, fonts and archives already are.
const COMPRESSIBLE: &[&str] = &[
    "js", "mjs", "wasm", "css", "svg", "html", "txt", "json", "xml", "map", "ico",
];

/// Brotli at its best quality: static files are compressed once per build.
pub const STATIC_BROTLI_QUALITY: u32 = 11;

/// What [`precompress_dir`] did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Summary {
    /// Files whose compressed copies were (re)written.
    pub written: usize,
    /// Files whose compressed copies were already newer than the file.
    pub up_to_date: usize,
    /// Bytes of the files compressed or checked.
    pub original_bytes: u64,
    pub brotli_bytes: u64,
    pub gzip_bytes: u64,
}

/// Brotli-compresses `bytes` at `quality` (0–11).
pub fn brotli(bytes: &[u8], quality: u32) -> Vec<u8> {
    let params = brotli::enc::BrotliEncoderParams {
        quality: quality.min(11) as i32,
        lgwin: 22,
        ..Default::default()
    };
    let mut out = Vec::with_capacity(bytes.len() / 3);
    let mut input = bytes;
    // Writing to a Vec cannot fail.
    let _ = brotli::BrotliCompress(&mut input, &mut out, &params);
    out
}

/// Gzip-compresses `bytes` at the best level.
pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(
        Vec::with_capacity(bytes.len() / 3),
        flate2::Compression::best(),
    );
    // Writing to a Vec cannot fail.
    let _ = enc.write_all(bytes);
    enc.finish().unwrap_or_default()
}

fn is_compressible(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| COMPRESSIBLE.contains(&e.to_ascii_lowercase().as_str()))
}

fn modified(path: &Path) -> Option<SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// Writes `bytes` to `path` by way of a temporary file, so a server
/// reading the folder never sends half a file.
fn write_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let tmp = with_suffix(path, ".tmp");
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path)
}

/// Files under `dir`, depth first, without following symbolic links.
fn files(dir: &Path, out: &mut Vec<PathBuf>) -> io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let kind = entry.file_type()?;
        if kind.is_dir() {
            files(&entry.path(), out)?;
        } else if kind.is_file() {
            out.push(entry.path());
        }
    }
    Ok(())
}

/// Writes `name.br` and `name.gz` beside every compressible file under
/// `dir` whose copies are missing or older than it. A copy that would not
/// be smaller than the file is not written (and an old one is removed), so
/// the file itself is sent.
pub fn precompress_dir(dir: &Path) -> io::Result<Summary> {
    let mut all = Vec::new();
    files(dir, &mut all)?;
    all.sort();
    let mut summary = Summary::default();
    for path in all.iter().filter(|p| is_compressible(p)) {
        let Some(source_time) = modified(path) else {
            continue;
        };
        let br_path = with_suffix(path, ".br");
        let gz_path = with_suffix(path, ".gz");
        let fresh = |p: &Path| modified(p).is_some_and(|t| t >= source_time);
        let size = |p: &Path| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0);
        let original = std::fs::metadata(path)?.len();
        summary.original_bytes += original;
        if fresh(&br_path) && fresh(&gz_path) {
            summary.up_to_date += 1;
            summary.brotli_bytes += size(&br_path);
            summary.gzip_bytes += size(&gz_path);
            continue;
        }
        let bytes = std::fs::read(path)?;
        for (copy, compressed) in [
            (&br_path, brotli(&bytes, STATIC_BROTLI_QUALITY)),
            (&gz_path, gzip(&bytes)),
        ] {
            if (compressed.len() as u64) < original {
                write_atomically(copy, &compressed)?;
                if copy == &br_path {
                    summary.brotli_bytes += compressed.len() as u64;
                } else {
                    summary.gzip_bytes += compressed.len() as u64;
                }
            } else {
                match std::fs::remove_file(copy) {
                    Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
                    _ => {}
                }
                if copy == &br_path {
                    summary.brotli_bytes += original;
                } else {
                    summary.gzip_bytes += original;
                }
            }
        }
        summary.written += 1;
    }
    Ok(summary)
}

/// The encodings a response can be sent in, best first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Brotli,
    Gzip,
    Identity,
}

impl Encoding {
    /// The `Content-Encoding` value, if any.
    pub fn header(self) -> Option<&'static str> {
        match self {
            Encoding::Brotli => Some("br"),
            Encoding::Gzip => Some("gzip"),
            Encoding::Identity => None,
        }
    }

    /// The best encoding an `Accept-Encoding` header allows (RFC 9110
    /// §12.5.3): brotli, then gzip, then none. An encoding is allowed when
    /// it is listed, or `*` is, with a q-value above zero.
    pub fn negotiate(accept: Option<&str>) -> Encoding {
        let Some(accept) = accept else {
            return Encoding::Identity;
        };
        let mut br = None;
        let mut gz = None;
        let mut star = None;
        for item in accept.split(',') {
            let mut parts = item.split(';');
            let name = parts.next().unwrap_or("").trim().to_ascii_lowercase();
            let q = parts
                .filter_map(|p| p.trim().strip_prefix("q=").or(p.trim().strip_prefix("Q=")))
                .filter_map(|v| v.trim().parse::<f32>().ok())
                .next()
                .unwrap_or(1.0);
            match name.as_str() {
                "br" => br = Some(q),
                "gzip" | "x-gzip" => gz = Some(q),
                "*" => star = Some(q),
                _ => {}
            }
        }
        let allowed = |q: Option<f32>| q.or(star).is_some_and(|q| q > 0.0);
        if allowed(br) {
            Encoding::Brotli
        } else if allowed(gz) {
            Encoding::Gzip
        } else {
            Encoding::Identity
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decompress_br(bytes: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        brotli::BrotliDecompress(&mut &bytes[..], &mut out).unwrap();
        out
    }

    fn decompress_gz(bytes: &[u8]) -> Vec<u8> {
        use std::io::Read;
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(bytes)
            .read_to_end(&mut out)
            .unwrap();
        out
    }

    #[test]
    fn negotiation_follows_the_header_and_its_q_values() {
        use Encoding::*;
        for (header, want) in [
            (None, Identity),
            (Some(""), Identity),
            (Some("gzip, deflate, br"), Brotli),
            (Some("gzip, deflate, br, zstd"), Brotli),
            (Some("gzip"), Gzip),
            (Some("br;q=0, gzip"), Gzip),
            (Some("br;q=0,gzip;q=0"), Identity),
            (Some("*"), Brotli),
            (Some("*;q=0"), Identity),
            (Some("br;q=0, *"), Gzip),
            (Some("identity"), Identity),
            (Some("BR"), Brotli),
            (Some("deflate"), Identity),
        ] {
            assert_eq!(Encoding::negotiate(header), want, "{header:?}");
        }
    }

    #[test]
    fn writes_copies_that_decompress_to_the_file_and_skips_fresh_ones() {
        let dir = std::env::temp_dir().join(format!("pacs-precompress-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("pkg")).unwrap();
        let js = "export function hydrate() { console.log('hello'); }\n".repeat(200);
        std::fs::write(dir.join("pkg/app.js"), &js).unwrap();
        std::fs::write(dir.join("tiny.txt"), "a").unwrap();
        std::fs::write(dir.join("photo.png"), [0x89, b'P', b'N', b'G']).unwrap();

        let first = precompress_dir(&dir).unwrap();
        assert_eq!((first.written, first.up_to_date), (2, 0));
        let br = std::fs::read(dir.join("pkg/app.js.br")).unwrap();
        let gz = std::fs::read(dir.join("pkg/app.js.gz")).unwrap();
        assert!(br.len() < js.len() / 10 && gz.len() < js.len() / 10);
        assert_eq!(decompress_br(&br), js.as_bytes());
        assert_eq!(decompress_gz(&gz), js.as_bytes());
        // One byte does not shrink: the file itself is sent.
        assert!(!dir.join("tiny.txt.br").exists() && !dir.join("tiny.txt.gz").exists());
        // Images are already compressed.
        assert!(!dir.join("photo.png.br").exists());

        let again = precompress_dir(&dir).unwrap();
        assert_eq!(
            (again.written, again.up_to_date),
            (1, 1),
            "only tiny.txt, which has no copies, is redone"
        );

        // A rebuilt file gets new copies.
        std::thread::sleep(std::time::Duration::from_millis(20));
        let js2 = js.replace("hello", "again");
        std::fs::write(dir.join("pkg/app.js"), &js2).unwrap();
        let third = precompress_dir(&dir).unwrap();
        assert!(third.written >= 1);
        let br = std::fs::read(dir.join("pkg/app.js.br")).unwrap();
        assert_eq!(decompress_br(&br), js2.as_bytes());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
