//! The letterhead logo as every format prints it (the stored PNG and its size), apart from the
//! export that stores it and the renderers that print it, which all read it.

/// The stored logo, ready to print: PNG bytes and their size in pixels.
#[derive(Debug, Clone, PartialEq)]
pub struct Letterhead {
    pub png: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

impl Letterhead {
    /// The printed size in millimetres: at most `max_w` wide and `max_h` high, ratio kept.
    pub fn fit_mm(&self, max_w: f32, max_h: f32) -> (f32, f32) {
        let ratio = self.width as f32 / self.height as f32;
        let (mut w, mut h) = (max_h * ratio, max_h);
        if w > max_w {
            w = max_w;
            h = max_w / ratio;
        }
        (w, h)
    }
}
