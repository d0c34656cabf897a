//! Small synthetic phantoms, so that each image shows something a viewer
//! can window: an elliptical body of water with a denser rim and a
//! spherical lesion (CT, MR), a radiograph-like projection (CR, DX), a
//! breast outline (MG) and a speckled ultrasound sector (US).
//!
//! Only `+ - * /`, `sqrt` and comparisons on `f64` are used: IEEE 754
//! rounds them exactly the same on every platform, so a seed gives the
//! same pixels everywhere. Shapes come from the study's phantom seed;
//! noise from each image's own seed.

use crate::rng::Rng;

/// A value in `[0, 1)` from 53 random bits.
fn unit(rng: &mut Rng) -> f64 {
    (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64
}

/// Triangular noise in `(-amp, amp)`: the sum of two uniforms, from the
/// two halves of one draw.
fn noise(rng: &mut Rng, amp: f64) -> f64 {
    let x = rng.next_u64();
    let a = (x >> 32) as f64 / 4_294_967_296.0;
    let b = (x & 0xFFFF_FFFF) as f64 / 4_294_967_296.0;
    (a + b - 1.0) * amp
}

/// A value in `lo..hi` from the phantom stream.
fn between(rng: &mut Rng, lo: f64, hi: f64) -> f64 {
    lo + (hi - lo) * unit(rng)
}

/// The shared shape of the cross-sectional phantom, in pixels.
struct Body {
    cx: f64,
    cy: f64,
    /// Semi-axes of the outer ellipse.
    a: f64,
    b: f64,
    /// Rim thickness as a fraction of the semi-axes.
    rim: f64,
    lesion_x: f64,
    lesion_y: f64,
    /// Lesion radius at the slab centre, pixels.
    lesion_r: f64,
}

/// Where a pixel falls in the phantom.
#[derive(Clone, Copy, PartialEq)]
enum Region {
    Outside,
    Rim,
    Lesion,
    Inside,
}

impl Body {
    fn new(rng: &mut Rng, rows: u16, columns: u16) -> Body {
        let (w, h) = (f64::from(columns), f64::from(rows));
        Body {
            cx: w / 2.0 + between(rng, -4.0, 4.0),
            cy: h / 2.0 + between(rng, -4.0, 4.0),
            a: w * between(rng, 0.36, 0.44),
            b: h * between(rng, 0.28, 0.36),
            rim: between(rng, 0.05, 0.09),
            lesion_x: between(rng, -0.35, 0.35),
            lesion_y: between(rng, -0.3, 0.3),
            lesion_r: w * between(rng, 0.05, 0.09),
        }
    }

    /// The region of pixel (`row`, `col`) on a slice `dz` mm from the slab
    /// centre (the lesion is a sphere of radius 15 mm there).
    fn region(&self, row: usize, col: usize, dz: f64) -> Region {
        let x = (col as f64 + 0.5 - self.cx) / self.a;
        let y = (row as f64 + 0.5 - self.cy) / self.b;
        let d2 = x * x + y * y;
        if d2 > 1.0 {
            return Region::Outside;
        }
        let inner = 1.0 - self.rim;
        if d2 > inner * inner {
            return Region::Rim;
        }
        let k = dz / 15.0;
        let r = self.lesion_r * (1.0 - k * k).max(0.0).sqrt();
        let lx = col as f64 + 0.5 - (self.cx + self.lesion_x * self.a);
        let ly = row as f64 + 0.5 - (self.cy + self.lesion_y * self.b);
        if lx * lx + ly * ly <= r * r {
            Region::Lesion
        } else {
            Region::Inside
        }
    }
}

fn clamp(v: f64, lo: f64, hi: f64) -> f64 {
    v.max(lo).min(hi)
}

/// CT stored values (HU + 1024, so Rescale Intercept is −1024) of a slice
/// `dz` mm from the slab centre: air −1000 HU, water 0–30 HU, a bony rim of
/// 500–900 HU and a 40–80 HU lesion.
pub(super) fn ct(phantom: u64, noise_seed: u64, dz: f64, rows: u16, columns: u16) -> Vec<i16> {
    let mut shape = Rng::seed_from_u64(phantom);
    let body = Body::new(&mut shape, rows, columns);
    let water = between(&mut shape, 0.0, 30.0);
    let bone = between(&mut shape, 500.0, 900.0);
    let lesion = between(&mut shape, 40.0, 80.0);
    let mut rng = Rng::seed_from_u64(noise_seed);
    let mut out = Vec::with_capacity(usize::from(rows) * usize::from(columns));
    for r in 0..usize::from(rows) {
        for c in 0..usize::from(columns) {
            let hu = match body.region(r, c, dz) {
                Region::Outside => -1000.0,
                Region::Rim => bone,
                Region::Lesion => lesion,
                Region::Inside => water,
            } + noise(&mut rng, 12.0);
            out.push(clamp(hu + 1024.0, 0.0, 4095.0) as i16);
        }
    }
    out
}

/// MR values (12 bits) of a slice: T2 makes water bright and the rim dark,
/// T1 the reverse; the lesion is bright on T2.
pub(super) fn mr(
    phantom: u64,
    noise_seed: u64,
    dz: f64,
    t2: bool,
    rows: u16,
    columns: u16,
) -> Vec<u16> {
    let mut shape = Rng::seed_from_u64(phantom);
    let body = Body::new(&mut shape, rows, columns);
    let gain = between(&mut shape, 0.9, 1.1);
    let (outside, rim, lesion, inside) = if t2 {
        (20.0, 500.0, 2600.0, 1500.0)
    } else {
        (20.0, 1900.0, 700.0, 1100.0)
    };
    let mut rng = Rng::seed_from_u64(noise_seed);
    let mut out = Vec::with_capacity(usize::from(rows) * usize::from(columns));
    for r in 0..usize::from(rows) {
        for c in 0..usize::from(columns) {
            let v = match body.region(r, c, dz) {
                Region::Outside => outside,
                Region::Rim => rim * gain,
                Region::Lesion => lesion * gain,
                Region::Inside => inside * gain,
            };
            // Rician-looking floor: noise is added in magnitude.
            let v = (v + noise(&mut rng, 40.0)).abs();
            out.push(clamp(v, 0.0, 4095.0) as u16);
        }
    }
    out
}

/// What a projection radiograph shows.
#[derive(Clone, Copy, PartialEq)]
pub(super) enum Projection {
    /// Lungs either side of the mediastinum.
    Chest,
    /// A joint: two bones meeting.
    Limb,
    /// Soft tissue with the spine.
    Abdomen,
    /// A breast with the chest wall on the left (`false`) or right edge.
    Breast { chest_wall_right: bool },
}

/// Radiograph values (12 bits, MONOCHROME2: brighter is more attenuating).
pub(super) fn xray(
    phantom: u64,
    noise_seed: u64,
    kind: Projection,
    rows: u16,
    columns: u16,
) -> Vec<u16> {
    let mut shape = Rng::seed_from_u64(phantom);
    let (w, h) = (f64::from(columns), f64::from(rows));
    let tissue = between(&mut shape, 1500.0, 1900.0);
    let bone = between(&mut shape, 2800.0, 3300.0);
    let lung = between(&mut shape, 500.0, 800.0);
    let cx = w / 2.0 + between(&mut shape, -3.0, 3.0);
    let cy = h / 2.0 + between(&mut shape, -3.0, 3.0);
    let size = between(&mut shape, 0.85, 1.0);
    let mut rng = Rng::seed_from_u64(noise_seed);
    let mut out = Vec::with_capacity(usize::from(rows) * usize::from(columns));
    for r in 0..usize::from(rows) {
        for c in 0..usize::from(columns) {
            let x = c as f64 + 0.5;
            let y = r as f64 + 0.5;
            let v = match kind {
                Projection::Chest => {
                    let bx = (x - cx) / (0.45 * w * size);
                    let by = (y - cy) / (0.48 * h * size);
                    if bx * bx + by * by > 1.0 {
                        200.0
                    } else {
                        let lx = ((x - cx).abs() - 0.22 * w * size) / (0.15 * w * size);
                        let ly = (y - cy + 0.05 * h) / (0.32 * h * size);
                        if (x - cx).abs() < 0.05 * w {
                            bone
                        } else if lx * lx + ly * ly < 1.0 {
                            lung
                        } else {
                            tissue
                        }
                    }
                }
                Projection::Abdomen => {
                    let bx = (x - cx) / (0.46 * w * size);
                    if bx.abs() > 1.0 {
                        200.0
                    } else if (x - cx).abs() < 0.06 * w {
                        bone
                    } else {
                        tissue * (1.0 - 0.2 * bx * bx)
                    }
                }
                Projection::Limb => {
                    let soft = (x - cx).abs() < 0.35 * w * size;
                    let shaft = (x - cx).abs() < 0.1 * w * size;
                    let jy = y - cy;
                    let head = (x - cx) * (x - cx) + jy * jy < (0.14 * w) * (0.14 * w);
                    let gap = jy.abs() < 0.02 * h;
                    if (shaft || head) && !gap {
                        bone
                    } else if soft {
                        tissue
                    } else {
                        200.0
                    }
                }
                Projection::Breast { chest_wall_right } => {
                    let d = if chest_wall_right { w - x } else { x };
                    let bx = d / (0.8 * w * size);
                    let by = (y - cy) / (0.45 * h * size);
                    let e = bx * bx + by * by;
                    if e > 1.0 {
                        80.0
                    } else if e > 0.97 {
                        tissue * 1.1
                    } else {
                        // Denser fibroglandular tissue towards the chest wall.
                        tissue * (0.8 + 0.5 * (1.0 - bx).max(0.0))
                    }
                }
            } + noise(&mut rng, 60.0);
            out.push(clamp(v, 0.0, 4095.0) as u16);
        }
    }
    out
}

/// An ultrasound sector (8 bits): apex at the top centre, 35° either side,
/// speckled tissue fading with depth, a dark cyst and a bright interface.
pub(super) fn us(phantom: u64, noise_seed: u64, rows: u16, columns: u16) -> Vec<u8> {
    let mut shape = Rng::seed_from_u64(phantom);
    let (w, h) = (f64::from(columns), f64::from(rows));
    let depth = h * between(&mut shape, 0.9, 0.98);
    let cyst_x = w / 2.0 + between(&mut shape, -0.15, 0.15) * w;
    let cyst_y = h * between(&mut shape, 0.45, 0.7);
    let cyst_r = h * between(&mut shape, 0.06, 0.12);
    let line_y = h * between(&mut shape, 0.2, 0.35);
    let brightness = between(&mut shape, 90.0, 130.0);
    let mut rng = Rng::seed_from_u64(noise_seed);
    let mut out = Vec::with_capacity(usize::from(rows) * usize::from(columns));
    // tan 35° ≈ 0.7: inside the sector when |dx| ≤ 0.7 · dy.
    const TAN_HALF_ANGLE: f64 = 0.7;
    let apex_x = w / 2.0;
    for r in 0..usize::from(rows) {
        for c in 0..usize::from(columns) {
            let dx = c as f64 + 0.5 - apex_x;
            let dy = r as f64 + 0.5;
            let dist = (dx * dx + dy * dy).sqrt();
            let v = if dx.abs() > TAN_HALF_ANGLE * dy || dist > depth {
                0.0
            } else {
                let speckle = 0.4 + 1.2 * unit(&mut rng);
                let fade = 1.0 - 0.5 * dist / depth;
                let cx = c as f64 + 0.5 - cyst_x;
                let cy = r as f64 + 0.5 - cyst_y;
                let base = if cx * cx + cy * cy < cyst_r * cyst_r {
                    8.0
                } else if (r as f64 + 0.5 - line_y).abs() < 1.5 {
                    220.0
                } else {
                    brightness
                };
                base * fade * speckle
            };
            out.push(clamp(v, 0.0, 255.0) as u8);
        }
    }
    out
}
