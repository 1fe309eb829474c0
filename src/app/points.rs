//! Data points: one entity per point ([`DataPoint`]: its set, index and class, what the rest
//! of the app asks about), drawn all at once. The views write where each point is into
//! [`PointPlaces`], one buffer in the flow's column order (training points by index, then test
//! points); [`gather_instances`] turns it into one instance per point, and
//! [`super::point_drawing`] draws them with one instanced draw. No transform, visibility or
//! culling per point: at 100,000 points that per-entity work was most of a frame.

use super::class_color;
use super::explorer::Explorer;
use super::point_drawing::{PointInstance, PointInstances};
use bevy::prelude::*;
use std::sync::Arc;

pub(super) fn plugin(app: &mut App) {
    app.add_plugins(super::point_drawing::plugin)
        .init_resource::<BlendPoints>()
        .init_resource::<PointPlaces>()
        .add_systems(Startup, spawn_point_instances)
        // Before the views move the points: new points are placed in the frame they appear.
        .add_systems(
            Update,
            respawn_points
                .after(super::player::PlayerSet::Play)
                .before(super::ViewSet::Animate),
        )
        // After the views moved the points (Update).
        .add_systems(PostUpdate, gather_instances);
}

/// A data point's place in its set.
#[derive(Component, Debug, Clone, Copy)]
pub struct DataPoint {
    /// Index within the training or the test set.
    pub index: usize,
    /// Whether it belongs to the test set.
    pub test: bool,
    /// Its class.
    pub class: u32,
}

/// Where every point is drawn, written by the view that shows them.
#[derive(Resource, Debug, Default)]
pub struct PointPlaces {
    /// Each point's centre, by column (see [`column`]).
    pub at: Vec<Vec3>,
    /// Every point's radius, in world units.
    pub radius: f32,
}

/// A point's column: training points by index, then test points (the flow's sample order,
/// and the drawing order of a flat view).
pub fn column(explorer: &Explorer, index: usize, test: bool) -> usize {
    if test {
        explorer.train.len() + index
    } else {
        index
    }
}

/// Whether points blend their soft edge into what is behind them, for views drawn without
/// multisampling (`render --antialias`); otherwise the edge becomes multisample coverage.
/// Blended points are drawn back to front: in a 3D view they are sorted by depth each frame.
#[derive(Resource, Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct BlendPoints(pub bool);

/// The hole of a test point's ring (training points are discs).
const TEST_HOLE: f32 = 0.45;

/// The points' radius in the plane view: sized to the data's box.
pub fn plane_radius(explorer: &Explorer) -> f32 {
    let (lo, hi) = explorer.bounds;
    (hi - lo).max_element() * 0.0065
}

/// Where a point sits in the plane view: its input-plane position, test points just above
/// training points.
pub fn plane_place(explorer: &Explorer, index: usize, test: bool) -> Option<Vec3> {
    let data = if test {
        &explorer.test
    } else {
        &explorer.train
    };
    if index >= data.len() {
        return None;
    }
    let at = explorer.position(data.point(index));
    let z = flat_z(draw_rank(explorer, index, test));
    Some(Vec3::new(at.x, at.y, z))
}

/// Puts every point in the plane view (the regions view; the layers and landscape views move
/// them).
pub fn place_in_plane(explorer: &Explorer, places: &mut PointPlaces) {
    let mut at = Vec::with_capacity(explorer.train.len() + explorer.test.len());
    for (data, test) in [(&explorer.train, false), (&explorer.test, true)] {
        at.extend((0..data.len()).filter_map(|i| plane_place(explorer, i, test)));
    }
    places.at = at;
    places.radius = plane_radius(explorer);
}

/// A point's place in drawing order, in [0, 1): training points by index, then test points
/// (so they stay visible above them). Overlapping points are told apart by it, a hair nearer
/// the camera the higher the rank, so which one is on top never depends on the order the
/// renderer happens to draw them in: the same frame gives the same pixels every run.
pub fn draw_rank(explorer: &Explorer, index: usize, test: bool) -> f32 {
    column(explorer, index, test) as f32
        / (explorer.train.len() + explorer.test.len()).max(1) as f32
}

/// The height of a point of `rank` in a flat view: above the grid and the decision lines
/// (at most 0.005), below the camera (at 10), far enough apart for the depth buffer to
/// order tens of thousands of points.
pub fn flat_z(rank: f32) -> f32 {
    0.01 + 2.0 * rank
}

/// Replaces the point entities, and puts the points in the plane, whenever the data changes.
fn respawn_points(
    mut commands: Commands,
    explorer: Res<Explorer>,
    mut shown: Local<u64>,
    existing: Query<Entity, With<DataPoint>>,
    mut places: ResMut<PointPlaces>,
) {
    if *shown == explorer.data_version {
        return;
    }
    *shown = explorer.data_version;
    for e in &existing {
        commands.entity(e).despawn();
    }
    let mut batch = Vec::with_capacity(explorer.train.len() + explorer.test.len());
    for (data, test) in [(&explorer.train, false), (&explorer.test, true)] {
        batch.extend((0..data.len()).map(|index| DataPoint {
            index,
            test,
            class: data.y[index],
        }));
    }
    commands.spawn_batch(batch);
    place_in_plane(&explorer, &mut places);
}

fn spawn_point_instances(mut commands: Commands) {
    commands.spawn((Name::new("Data points"), PointInstances::default()));
}

/// Gathers one instance per point (centre, radius, fill, hole) in drawing order: the
/// columns' order, or far to near as the active camera sees them when points blend in a
/// perspective view (overlapping points by their rank, the higher on top). Both cores fill
/// the buffer; the one the render world let go of is filled again rather than allocated.
fn gather_instances(
    places: Res<PointPlaces>,
    blend: Res<BlendPoints>,
    explorer: Res<Explorer>,
    cameras: Query<(&Camera, &Projection, &GlobalTransform)>,
    mut drawn: Single<&mut PointInstances>,
    mut spare: Local<Option<Arc<Vec<PointInstance>>>>,
) {
    // A perspective viewer, when points blend: they are drawn back to front.
    let viewer = cameras
        .iter()
        .filter(|(c, p, _)| c.is_active && matches!(p, Projection::Perspective(_)))
        .map(|(_, _, t)| (t.translation(), t.forward().as_vec3()))
        .next()
        .filter(|_| blend.0);
    if !places.is_changed() && !blend.is_changed() && viewer.is_none() {
        return;
    }
    let order: Option<Vec<usize>> = viewer.map(|(eye, forward)| {
        let mut order: Vec<(f32, usize)> = places
            .at
            .iter()
            .enumerate()
            .map(|(i, at)| ((*at - eye).dot(forward), i))
            .collect();
        // Far first; the same depth by column, low first (on top: the higher).
        order.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        order.into_iter().map(|(_, i)| i).collect()
    });
    let labels = (&explorer.train.y[..], &explorer.test.y[..]);
    let mut data = spare
        .take()
        .and_then(|spare| Arc::try_unwrap(spare).ok())
        .unwrap_or_default();
    let center = fill_instances(
        labels,
        explorer.classes(),
        &places,
        order.as_deref(),
        &mut data,
    );
    let old = std::mem::replace(
        &mut **drawn,
        PointInstances {
            data: Arc::new(data),
            center,
        },
    );
    *spare = Some(old.data);
}

/// Fills `out` with the instances of the points in `order` (columns; all of them in column
/// order when `None`) and returns the centre of their box: `labels` are the training and the
/// test points' classes, of `classes` in all. A column with no place (the places of older
/// data) is drawn nowhere (radius 0).
fn fill_instances(
    (train, test): (&[u32], &[u32]),
    classes: usize,
    places: &PointPlaces,
    order: Option<&[usize]>,
    out: &mut Vec<PointInstance>,
) -> Vec3 {
    let classes = classes.max(1) as u32;
    let fills: Vec<[f32; 3]> = (0..classes)
        .map(|k| {
            let c = class_color(k).to_linear();
            [c.red, c.green, c.blue]
        })
        .collect();
    let count = train.len() + test.len();
    let n = order.map_or(count, <[usize]>::len);
    out.clear();
    out.resize(n, [0.0; 8]);
    let one = |i: usize| -> Option<PointInstance> {
        let at = *places.at.get(i)?;
        let (class, hole) = match train.get(i) {
            Some(&class) => (class, 0.0),
            None => (*test.get(i - train.len())?, TEST_HOLE),
        };
        let [r, g, b] = fills[(class % classes) as usize];
        Some([at.x, at.y, at.z, places.radius, r, g, b, hole])
    };
    let boxes = in_parts(out, 32_768, |first, part| {
        let (mut lo, mut hi) = (Vec3::splat(f32::MAX), Vec3::splat(f32::MIN));
        for (j, slot) in part.iter_mut().enumerate() {
            let at = first + j;
            let column = order.map_or(at, |order| order[at]);
            if let Some(instance) = one(column) {
                let p = Vec3::new(instance[0], instance[1], instance[2]);
                lo = lo.min(p);
                hi = hi.max(p);
                *slot = instance;
            }
        }
        (lo, hi)
    });
    let (lo, hi) = boxes.into_iter().fold(
        (Vec3::splat(f32::MAX), Vec3::splat(f32::MIN)),
        |(lo, hi), (a, b)| (lo.min(a), hi.max(b)),
    );
    if lo.x > hi.x {
        Vec3::ZERO
    } else {
        (lo + hi) * 0.5
    }
}

/// Runs `work` over `items` in consecutive parts, each given its first index: on the
/// compute pool's threads and the calling thread together when there are at least
/// `min_part` items for each, on the calling thread alone otherwise (waking a worker costs
/// more than a small part's work). The parts' results in order.
pub fn in_parts<T: Send, R: Send + 'static>(
    items: &mut [T],
    min_part: usize,
    work: impl Fn(usize, &mut [T]) -> R + Sync,
) -> Vec<R> {
    let pool = bevy::tasks::ComputeTaskPool::get();
    // The calling thread works on a scope's tasks too.
    let workers = pool.thread_num() + 1;
    let part = items.len().div_ceil(workers).max(min_part).max(1);
    if items.len() <= part {
        return vec![work(0, items)];
    }
    pool.scope(|scope| {
        for (k, chunk) in items.chunks_mut(part).enumerate() {
            let work = &work;
            scope.spawn(async move { work(k * part, chunk) });
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fill(k: u32) -> [f32; 3] {
        let c = class_color(k).to_linear();
        [c.red, c.green, c.blue]
    }

    #[test]
    fn one_instance_a_point_in_the_order_asked_test_points_as_rings() {
        // The task pool the app runs on.
        bevy::tasks::ComputeTaskPool::get_or_init(bevy::tasks::TaskPool::default);
        let labels: (&[u32], &[u32]) = (&[0, 1], &[1]);
        let places = PointPlaces {
            at: vec![Vec3::X, Vec3::Y, Vec3::Z],
            radius: 0.5,
        };
        let mut out = vec![];
        let center = fill_instances(labels, 2, &places, Some(&[2, 0, 1]), &mut out);
        assert_eq!(out.len(), 3);
        let [r, g, b] = fill(1);
        assert_eq!(
            out[0],
            [0.0, 0.0, 1.0, 0.5, r, g, b, TEST_HOLE],
            "the test point first"
        );
        let [r, g, b] = fill(0);
        assert_eq!(
            out[1],
            [1.0, 0.0, 0.0, 0.5, r, g, b, 0.0],
            "a training point: a disc"
        );
        assert_eq!(center, Vec3::splat(0.5));
        // Without an order, the columns' order.
        fill_instances(labels, 2, &places, None, &mut out);
        assert_eq!(out[0][..3], [1.0, 0.0, 0.0]);
        assert_eq!(out[2][..3], [0.0, 0.0, 1.0]);
        // A column with no place (the places of older data) is drawn nowhere.
        let short = PointPlaces {
            at: vec![Vec3::X],
            radius: 0.5,
        };
        fill_instances(labels, 2, &short, None, &mut out);
        assert_eq!(out.len(), 3);
        assert_eq!(out[1][3], 0.0, "radius 0");
    }

    #[test]
    fn a_large_set_is_filled_in_parts_that_join_exactly() {
        bevy::tasks::ComputeTaskPool::get_or_init(bevy::tasks::TaskPool::default);
        let n = 50_000;
        let train: Vec<u32> = (0..n).map(|i| (i % 3) as u32).collect();
        let places = PointPlaces {
            at: (0..n)
                .map(|i| Vec3::new(i as f32, -(i as f32), 1.0))
                .collect(),
            radius: 2.0,
        };
        let mut out = vec![];
        let center = fill_instances((&train, &[]), 3, &places, None, &mut out);
        assert_eq!(out.len(), n);
        for (i, instance) in out.iter().enumerate() {
            assert_eq!(instance[0], i as f32);
            assert_eq!(instance[4..7], fill((i % 3) as u32));
        }
        let last = (n - 1) as f32;
        assert_eq!(center, Vec3::new(last / 2.0, -last / 2.0, 1.0));
    }
}
