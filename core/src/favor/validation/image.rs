//! Rules of the image upload (validation-rules.md §6).

use super::{Report, Validate, ValidationContext, Violation};
use crate::favor::models::ImageUploadRequest;

impl Validate for ImageUploadRequest {
    fn validate(&self, _ctx: &ValidationContext<'_>) -> Vec<Violation> {
        let mut r = Report::default();
        let ext = self
            .filename
            .rsplit_once('.')
            .map(|(_, e)| e.to_ascii_lowercase())
            .unwrap_or_default();
        match ext.as_str() {
            "jpg" | "png" | "bmp" => {}
            "jpeg" => r.warn(
                "filename",
                "V-IMG-01",
                "ends in .jpeg; the sources name only .jpg, .bmp and .png",
                "以 .jpeg 结尾；文档只列出 .jpg、.bmp、.png",
            ),
            _ => r.err(
                "filename",
                "V-IMG-01",
                "must end in .jpg, .bmp or .png",
                "文件名须以 .jpg、.bmp 或 .png 结尾",
            ),
        }
        let size = self.bytes.len();
        if size == 0 || size > crate::favor::media::MAX_IMAGE_BYTES {
            r.err(
                "bytes",
                "V-IMG-02",
                format!("must be 1 byte to 2 MiB, got {size} bytes"),
                format!("图片大小须为1字节至2MB，当前{size}字节"),
            );
        }
        let by_content = if self.bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(["jpg", "jpeg"].as_slice())
        } else if self.bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(["png"].as_slice())
        } else if self.bytes.starts_with(b"BM") {
            Some(["bmp"].as_slice())
        } else {
            None
        };
        if size > 0 && !by_content.is_some_and(|exts| exts.contains(&ext.as_str())) {
            // A SHOULD in the spec: the server decides, so this only warns (the file part is
            // typed by the file name).
            r.warn(
                "bytes",
                "V-IMG-03",
                "the content should be a JPG, PNG or BMP image matching the file name's suffix",
                "图片内容应为 JPG、PNG 或 BMP，且与文件名后缀一致",
            );
        }
        r.finish()
    }
}
