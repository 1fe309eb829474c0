//! Live training for the window: a worker thread that owns the trainer, trains while asked,
//! and publishes the latest network, loss history and decision-region pixels. No Bevy here:
//! the window only sends [`Request`]s and reads [`Latest`].

use crate::nn::{Dataset, Network, TrainConfig, Trainer, evaluate, network::decide};
use crate::palette;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Pixels per side of a neuron's thumbnail.
pub const THUMBNAIL_SIZE: usize = 24;

/// Hidden neurons per layer that get a thumbnail (the diagram shows the first ones).
pub const THUMBNAILS_PER_LAYER: usize = 12;

/// How long the worker trains between two publications.
const PUBLISH_EVERY: Duration = Duration::from_millis(33);

/// The part of the input plane a heatmap covers, and how finely.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct HeatmapSpec {
    /// Lower-left corner (x, y).
    pub min: [f32; 2],
    /// Upper-right corner (x, y).
    pub max: [f32; 2],
    /// Pixels per side.
    pub resolution: usize,
}

/// What the window asks of the worker.
pub enum Request {
    /// Start over with this network, these settings and this data; the history is cleared.
    Setup {
        network: Network,
        config: TrainConfig,
        train: Dataset,
        test: Dataset,
        /// The epoch the network has reached (0 for fresh weights; a scene's network explored
        /// live goes on from the epoch it was shown at).
        epoch: usize,
    },
    /// Replace the points (added or erased by hand), keeping the weights and the history.
    SetData { train: Dataset, test: Dataset },
    /// Replace the weights (hand edits) and keep training from there.
    SetNetwork(Network),
    /// Change optimizer, learning rate, batch or L2, keeping the weights.
    SetConfig(TrainConfig),
    /// Where and how finely to draw the decision regions.
    SetHeatmap(Option<HeatmapSpec>),
    /// Train continuously.
    Play,
    /// Stop training.
    Pause,
    /// Train exactly one epoch.
    Step,
    /// Train at most this many epochs a second (`None`: as fast as possible).
    SetSpeed(Option<f64>),
    /// Train exactly this many epochs as fast as possible, ignoring the speed limit, then
    /// pause (a preset's network, made ready before it is shown).
    TrainFor(usize),
    /// End the worker.
    Quit,
}

/// One point of the loss and accuracy history.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct HistoryPoint {
    /// Epochs trained.
    pub epoch: usize,
    /// Mean loss on the training set.
    pub train_loss: f64,
    /// Mean loss on the test set (0 without test points).
    pub test_loss: f64,
    /// Accuracy on the training set.
    pub train_accuracy: f64,
    /// Accuracy on the test set (0 without test points).
    pub test_accuracy: f64,
}

/// The latest state the worker published.
#[derive(Clone, Debug)]
pub struct Latest {
    /// Bumped at every publication.
    pub version: u64,
    /// The current weights.
    pub network: Network,
    /// Epochs trained since the last set-up.
    pub epoch: usize,
    /// Loss and accuracy over time.
    pub history: Vec<HistoryPoint>,
    /// Decision regions as RGBA8 rows, top row first, or empty without a heatmap.
    pub heatmap: Vec<u8>,
    /// The heatmap's spec, when there is one.
    pub heatmap_spec: Option<HeatmapSpec>,
    /// Each hidden layer's first neurons' outputs over the heatmap's area, as RGBA8
    /// thumbnails of [`THUMBNAIL_SIZE`]² (empty without a heatmap).
    pub thumbnails: Vec<Vec<Vec<u8>>>,
    /// Whether training is running.
    pub running: bool,
    /// Why training stopped or could not start, if it did.
    pub error: Option<String>,
    /// Seconds the last publication's epochs took, per epoch.
    pub seconds_per_epoch: f64,
}

/// The window's handle on the worker thread.
pub struct LiveTraining {
    commands: Sender<Request>,
    latest: Arc<Mutex<Latest>>,
    thread: Option<JoinHandle<()>>,
}

impl LiveTraining {
    /// Starts the worker on this set-up, paused or running.
    pub fn start(
        network: Network,
        config: TrainConfig,
        train: Dataset,
        test: Dataset,
        running: bool,
    ) -> LiveTraining {
        let latest = Arc::new(Mutex::new(Latest {
            version: 0,
            network: network.clone(),
            epoch: 0,
            history: vec![],
            heatmap: vec![],
            heatmap_spec: None,
            thumbnails: vec![],
            running,
            error: None,
            seconds_per_epoch: 0.0,
        }));
        let (tx, rx) = channel();
        let shared = latest.clone();
        let thread = std::thread::Builder::new()
            .name("spacefold-training".into())
            .spawn(move || {
                let mut worker = Worker::new(network, config, train, test, running, shared);
                worker.run(rx);
            })
            .expect("the training thread starts");
        LiveTraining {
            commands: tx,
            latest,
            thread: Some(thread),
        }
    }

    /// Sends a command (ignored if the worker is gone).
    pub fn send(&self, command: Request) {
        let _ = self.commands.send(command);
    }

    /// A copy of the latest publication if its version is newer than `seen`.
    pub fn latest_since(&self, seen: u64) -> Option<Latest> {
        let latest = self.latest.lock().ok()?;
        (latest.version > seen).then(|| latest.clone())
    }
}

impl Drop for LiveTraining {
    fn drop(&mut self) {
        let _ = self.commands.send(Request::Quit);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

struct Worker {
    trainer: Result<Trainer, String>,
    network: Network,
    config: TrainConfig,
    train: Dataset,
    test: Dataset,
    running: bool,
    epoch: usize,
    history: Vec<HistoryPoint>,
    heatmap: Option<HeatmapSpec>,
    shared: Arc<Mutex<Latest>>,
    version: u64,
    error: Option<String>,
    seconds_per_epoch: f64,
    /// Epochs a second at most, and the epochs owed so far under that limit.
    speed: Option<f64>,
    allowance: f64,
    last_tick: Instant,
    /// Epochs still to train at full speed before pausing ([`Request::TrainFor`]).
    burst: usize,
}

impl Worker {
    fn new(
        network: Network,
        config: TrainConfig,
        train: Dataset,
        test: Dataset,
        running: bool,
        shared: Arc<Mutex<Latest>>,
    ) -> Worker {
        let mut w = Worker {
            trainer: Err(String::new()),
            network,
            config,
            train,
            test,
            running,
            epoch: 0,
            history: vec![],
            heatmap: None,
            shared,
            version: 0,
            error: None,
            seconds_per_epoch: 0.0,
            speed: None,
            allowance: 0.0,
            last_tick: Instant::now(),
            burst: 0,
        };
        w.rebuild_trainer();
        w.record();
        w.publish();
        w
    }

    fn rebuild_trainer(&mut self) {
        self.trainer =
            Trainer::new(self.network.clone(), self.config.clone()).map_err(|e| e.to_string());
        self.error = self.trainer.as_ref().err().cloned();
        if self.error.is_some() {
            self.running = false;
        }
    }

    fn run(&mut self, commands: Receiver<Request>) {
        loop {
            let mut step = false;
            // Paused: sleep until told something. Running: take what is there and go on, or,
            // under a speed limit with no epoch due yet, wait for the next one to fall due.
            let first = if !self.running {
                match commands.recv() {
                    Ok(c) => Some(c),
                    Err(_) => return,
                }
            } else if let Some(wait) = self.time_to_next_epoch() {
                match commands.recv_timeout(wait) {
                    Ok(c) => Some(c),
                    Err(std::sync::mpsc::RecvTimeoutError::Timeout) => None,
                    Err(_) => return,
                }
            } else {
                commands.try_recv().ok()
            };
            let mut changed = false;
            for command in first
                .into_iter()
                .chain(std::iter::from_fn(|| commands.try_recv().ok()))
            {
                changed = true;
                match command {
                    Request::Setup {
                        network,
                        config,
                        train,
                        test,
                        epoch,
                    } => {
                        self.network = network;
                        self.config = config;
                        self.train = train;
                        self.test = test;
                        self.epoch = epoch;
                        self.burst = 0;
                        self.history.clear();
                        self.error = None;
                        self.rebuild_trainer();
                        self.record();
                    }
                    Request::SetData { train, test } => {
                        self.train = train;
                        self.test = test;
                        self.record();
                    }
                    Request::SetNetwork(network) => {
                        self.network = network;
                        self.rebuild_trainer();
                        self.record();
                    }
                    Request::SetConfig(config) => {
                        self.network = self.current_network();
                        self.config = config;
                        self.rebuild_trainer();
                    }
                    Request::SetHeatmap(spec) => self.heatmap = spec,
                    Request::Play => {
                        if self.trainer.is_ok() {
                            self.running = true;
                            self.error = None;
                        }
                    }
                    Request::Pause => {
                        self.running = false;
                        self.burst = 0;
                    }
                    Request::TrainFor(epochs) => {
                        self.burst = epochs;
                        if epochs > 0 && self.trainer.is_ok() {
                            self.running = true;
                            self.error = None;
                        }
                    }
                    Request::Step => step = true,
                    Request::SetSpeed(speed) => self.speed = speed,
                    Request::Quit => return,
                }
            }
            let due = self.epochs_due();
            if (self.running && due > 0) || step {
                let before = self.epoch;
                self.train_for_a_while(if step { 1 } else { due });
                if self.burst > 0 {
                    self.burst = self.burst.saturating_sub(self.epoch - before);
                    if self.burst == 0 {
                        self.running = false;
                    }
                }
                self.record();
                changed = true;
            }
            if changed {
                self.publish();
            }
        }
    }

    fn current_network(&self) -> Network {
        match &self.trainer {
            Ok(t) => t.network().clone(),
            Err(_) => self.network.clone(),
        }
    }

    /// Epochs that may run now: unlimited without a speed limit, else those owed since the
    /// last call (at most a tenth of a second's worth, so a pause does not bank epochs).
    fn epochs_due(&mut self) -> usize {
        let now = Instant::now();
        let dt = now.duration_since(self.last_tick).as_secs_f64();
        self.last_tick = now;
        if self.burst > 0 {
            return self.burst;
        }
        match self.speed {
            None => usize::MAX,
            Some(rate) => {
                self.allowance = (self.allowance + rate * dt).min((rate * 0.1).max(1.0));
                let due = self.allowance.floor();
                self.allowance -= due;
                due as usize
            }
        }
    }

    /// How long until the next epoch falls due under the speed limit, if one is set and none
    /// is due yet.
    fn time_to_next_epoch(&self) -> Option<Duration> {
        if self.burst > 0 {
            return None;
        }
        let rate = self.speed?;
        let owed = self.allowance + rate * self.last_tick.elapsed().as_secs_f64();
        (owed < 1.0).then(|| Duration::from_secs_f64(((1.0 - owed) / rate).min(0.05)))
    }

    /// Trains up to `limit` epochs, for at most about [`PUBLISH_EVERY`].
    fn train_for_a_while(&mut self, limit: usize) {
        let Ok(trainer) = &mut self.trainer else {
            self.running = false;
            return;
        };
        let start = Instant::now();
        let mut epochs = 0;
        loop {
            match trainer.step_epoch(&self.train) {
                Ok(_) => {
                    self.epoch += 1;
                    epochs += 1;
                }
                Err(e) => {
                    self.error = Some(e.to_string());
                    self.running = false;
                    break;
                }
            }
            if epochs >= limit || start.elapsed() >= PUBLISH_EVERY {
                break;
            }
        }
        if epochs > 0 {
            self.seconds_per_epoch = start.elapsed().as_secs_f64() / epochs as f64;
        }
    }

    fn record(&mut self) {
        let net = self.current_network();
        let loss = self.config.loss;
        let eval = |d: &Dataset| {
            if d.is_empty() {
                None
            } else {
                evaluate(&net, d, loss).ok()
            }
        };
        let (train, test) = (eval(&self.train), eval(&self.test));
        let point = HistoryPoint {
            epoch: self.epoch,
            train_loss: train.map_or(0.0, |e| e.loss),
            test_loss: test.map_or(0.0, |e| e.loss),
            train_accuracy: train.map_or(0.0, |e| e.accuracy),
            test_accuracy: test.map_or(0.0, |e| e.accuracy),
        };
        if self.history.last().map(|h| h.epoch) == Some(point.epoch) {
            self.history.pop();
        }
        self.history.push(point);
    }

    fn publish(&mut self) {
        let network = self.current_network();
        let spec = self.heatmap.filter(|_| network.input_dim() == 2);
        let heatmap = spec
            .map(|s| heatmap_pixels(&network, &s))
            .unwrap_or_default();
        let thumbnails = spec
            .map(|s| neuron_thumbnails(&network, &s))
            .unwrap_or_default();
        self.version += 1;
        if let Ok(mut latest) = self.shared.lock() {
            *latest = Latest {
                version: self.version,
                network,
                epoch: self.epoch,
                history: self.history.clone(),
                heatmap,
                heatmap_spec: self.heatmap,
                thumbnails,
                running: self.running,
                error: self.error.clone(),
                seconds_per_epoch: self.seconds_per_epoch,
            };
        }
    }
}

/// A grid of `res × res` points over the spec's area, row by row from the top.
fn grid(spec: &HeatmapSpec, res: usize) -> crate::nn::Mat {
    let mut values = Vec::with_capacity(2 * res * res);
    for row in 0..res {
        let y = spec.max[1] - (row as f32 + 0.5) / res as f32 * (spec.max[1] - spec.min[1]);
        for col in 0..res {
            let x = spec.min[0] + (col as f32 + 0.5) / res as f32 * (spec.max[0] - spec.min[0]);
            values.extend_from_slice(&[x, y]);
        }
    }
    crate::nn::Mat::from_vec(2, res * res, values)
}

/// Colour of a neuron's output for thumbnails: blue for positive values, orange for
/// negative, fading to the background at zero; `scale` is the value shown at full strength.
pub fn signed_rgb(value: f32, scale: f32) -> [u8; 3] {
    const POSITIVE: [u8; 3] = [66, 146, 230];
    const NEGATIVE: [u8; 3] = [240, 140, 40];
    let t = if scale > 0.0 {
        (value / scale).clamp(-1.0, 1.0)
    } else {
        0.0
    };
    let target = if t >= 0.0 { POSITIVE } else { NEGATIVE };
    let t = if t.is_finite() { t.abs() } else { 0.0 };
    std::array::from_fn(|i| {
        (BACKGROUND[i] as f32 + t * (target[i] as f32 - BACKGROUND[i] as f32)).round() as u8
    })
}

/// Thumbnails of each hidden layer's first [`THUMBNAILS_PER_LAYER`] neurons: their
/// activation over the spec's area, each scaled by its own largest magnitude.
pub fn neuron_thumbnails(network: &Network, spec: &HeatmapSpec) -> Vec<Vec<Vec<u8>>> {
    let res = THUMBNAIL_SIZE;
    let Ok(stages) = network.forward_stages(&grid(spec, res)) else {
        return vec![];
    };
    let hidden = &stages[..stages.len() - 1];
    hidden
        .iter()
        .map(|s| {
            let a = &s.activated;
            (0..a.nrows().min(THUMBNAILS_PER_LAYER))
                .map(|i| {
                    let row: Vec<f32> = a.row(i).iter().copied().collect();
                    let scale = row.iter().fold(0.0f32, |m, v| m.max(v.abs()));
                    row.iter()
                        .flat_map(|&v| {
                            let [r, g, b] = signed_rgb(v, scale);
                            [r, g, b, 255]
                        })
                        .collect()
                })
                .collect()
        })
        .collect()
}

pub use crate::palette::BACKGROUND;

/// Decision regions of a two-input network: RGBA8 pixels, top row first. Each pixel takes
/// the colour of the class the network picks there, stronger where it is more confident.
pub fn heatmap_pixels(network: &Network, spec: &HeatmapSpec) -> Vec<u8> {
    let res = spec.resolution.max(1);
    let Ok(out) = network.forward(&grid(spec, res)) else {
        return vec![];
    };
    let classes = decide(&out);
    let k = out.nrows();
    let mut pixels = Vec::with_capacity(4 * res * res);
    for (j, class) in classes.iter().enumerate() {
        let col = &out.as_slice()[j * k..(j + 1) * k];
        let confidence = if k == 1 {
            ((col[0] - 0.5).abs() * 2.0).clamp(0.0, 1.0)
        } else {
            let p = col.iter().copied().fold(f32::NEG_INFINITY, f32::max);
            let floor = 1.0 / k as f32;
            ((p - floor) / (1.0 - floor)).clamp(0.0, 1.0)
        };
        let strength = 0.12
            + 0.33
                * if confidence.is_finite() {
                    confidence
                } else {
                    0.0
                };
        let c = palette::class_rgb(*class);
        for ch in 0..3 {
            let v = BACKGROUND[ch] as f32 + strength * (c[ch] as f32 - BACKGROUND[ch] as f32);
            pixels.push(v.round() as u8);
        }
        pixels.push(255);
    }
    pixels
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nn::{Activation, DatasetSpec, Layer};

    #[test]
    fn heatmap_colours_follow_the_decision() {
        // One neuron x > 0: class 1 on the right half, class 0 on the left.
        let layer = Layer::from_rows(&[vec![10.0, 0.0]], &[0.0], Activation::Sigmoid, 1).unwrap();
        let net = Network::from_layers(vec![layer]).unwrap();
        let spec = HeatmapSpec {
            min: [-1.0, -1.0],
            max: [1.0, 1.0],
            resolution: 8,
        };
        let px = heatmap_pixels(&net, &spec);
        assert_eq!(px.len(), 8 * 8 * 4);
        let pixel = |r: usize, c: usize| &px[(r * 8 + c) * 4..(r * 8 + c) * 4 + 3];
        let toward = |p: &[u8], class: usize| {
            let c = palette::CLASS_COLORS[class];
            (0..3)
                .map(|i| {
                    (p[i] as f32 - BACKGROUND[i] as f32) * (c[i] as f32 - BACKGROUND[i] as f32)
                })
                .sum::<f32>()
        };
        // Left pixels lean toward class 0's colour more than class 1's, and the reverse.
        assert!(toward(pixel(3, 0), 0) > toward(pixel(3, 0), 1));
        assert!(toward(pixel(3, 7), 1) > toward(pixel(3, 7), 0));
        // Confident far from the boundary, faint at it.
        assert!(toward(pixel(3, 7), 1) > toward(pixel(3, 4), 1));
    }

    #[test]
    fn thumbnails_show_each_hidden_neuron() {
        // Hidden neuron 0 is x (positive on the right), neuron 1 is -y (positive below).
        let hidden = Layer::from_rows(
            &[vec![1.0, 0.0], vec![0.0, -1.0]],
            &[0.0, 0.0],
            Activation::Identity,
            1,
        )
        .unwrap();
        let out = Layer::from_rows(&[vec![1.0, 1.0]], &[0.0], Activation::Sigmoid, 2).unwrap();
        let net = Network::from_layers(vec![hidden, out]).unwrap();
        let spec = HeatmapSpec {
            min: [-1.0, -1.0],
            max: [1.0, 1.0],
            resolution: 8,
        };
        let thumbs = neuron_thumbnails(&net, &spec);
        assert_eq!(thumbs.len(), 1, "one hidden layer");
        assert_eq!(thumbs[0].len(), 2, "two neurons");
        let n = THUMBNAIL_SIZE;
        let px = |t: &Vec<u8>, r: usize, c: usize| {
            [
                t[(r * n + c) * 4],
                t[(r * n + c) * 4 + 1],
                t[(r * n + c) * 4 + 2],
            ]
        };
        // Neuron 0: right edge full positive colour, left edge full negative colour.
        assert_eq!(px(&thumbs[0][0], n / 2, n - 1), signed_rgb(1.0, 1.0));
        assert_eq!(px(&thumbs[0][0], n / 2, 0), signed_rgb(-1.0, 1.0));
        // Neuron 1 (-y): positive at the bottom row, negative at the top.
        assert_eq!(px(&thumbs[0][1], n - 1, n / 2), signed_rgb(1.0, 1.0));
        assert_eq!(px(&thumbs[0][1], 0, n / 2), signed_rgb(-1.0, 1.0));
    }

    #[test]
    fn the_worker_trains_publishes_and_stops_on_request() {
        let (spec, _) = DatasetSpec::parse("moons:n=200").unwrap();
        let data = spec.generate();
        let (train, test) = data.split(0.2, 0);
        let net = Network::new(&[2, 8, 1], &[Activation::Tanh], Activation::Sigmoid, 0).unwrap();
        let live = LiveTraining::start(net, TrainConfig::default(), train, test, false);
        live.send(Request::SetHeatmap(Some(HeatmapSpec {
            min: [-2.0, -2.0],
            max: [2.0, 2.0],
            resolution: 16,
        })));
        live.send(Request::Step);
        let wait_for = |cond: &dyn Fn(&Latest) -> bool| {
            let start = Instant::now();
            loop {
                if let Some(l) = live.latest_since(0).filter(|l| cond(l)) {
                    return l;
                }
                assert!(
                    start.elapsed() < Duration::from_secs(20),
                    "the worker did not publish"
                );
                std::thread::sleep(Duration::from_millis(5));
            }
        };
        let stepped = wait_for(&|l| l.epoch == 1);
        assert!(!stepped.running);
        assert_eq!(stepped.heatmap.len(), 16 * 16 * 4);
        live.send(Request::Play);
        let trained = wait_for(&|l| l.epoch >= 200);
        let first = trained.history.first().unwrap();
        let last = trained.history.last().unwrap();
        assert!(last.train_loss < first.train_loss, "{first:?} -> {last:?}");
        live.send(Request::Pause);
        let paused = wait_for(&|l| !l.running);
        std::thread::sleep(Duration::from_millis(100));
        assert_eq!(
            live.latest_since(0).unwrap().epoch,
            paused.epoch,
            "paused means paused"
        );
        // Set up with a network that has trained 300 epochs: it goes on from there.
        let (train, test) = data.split(0.2, 0);
        live.send(Request::Setup {
            network: trained.network.clone(),
            config: TrainConfig::default(),
            train,
            test,
            epoch: 300,
        });
        live.send(Request::Step);
        wait_for(&|l| l.epoch == 301);
    }

    #[test]
    fn a_speed_limit_holds_training_back() {
        let data = DatasetSpec::default_for("moons").unwrap().generate();
        let net = Network::new(&[2, 4, 1], &[Activation::Tanh], Activation::Sigmoid, 0).unwrap();
        let live = LiveTraining::start(net, TrainConfig::default(), data.clone(), data, false);
        live.send(Request::SetSpeed(Some(50.0)));
        live.send(Request::Play);
        std::thread::sleep(Duration::from_millis(1000));
        let epoch = live.latest_since(0).unwrap().epoch;
        // About 50 in a second; far below the thousands it would run unlimited.
        assert!(
            (20..=80).contains(&epoch),
            "{epoch} epochs in one second at 50 a second"
        );
    }

    #[test]
    fn train_for_trains_exactly_that_many_epochs_at_full_speed_then_pauses() {
        let data = DatasetSpec::default_for("moons").unwrap().generate();
        let net = Network::new(&[2, 4, 1], &[Activation::Tanh], Activation::Sigmoid, 0).unwrap();
        let live = LiveTraining::start(
            net.clone(),
            TrainConfig::default(),
            data.clone(),
            data.clone(),
            false,
        );
        // A speed limit of one epoch a second does not hold a burst back.
        live.send(Request::SetSpeed(Some(1.0)));
        live.send(Request::TrainFor(300));
        let start = Instant::now();
        let done = loop {
            if let Some(l) = live
                .latest_since(0)
                .filter(|l| l.epoch >= 300 && !l.running)
            {
                break l;
            }
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "the burst did not end"
            );
            std::thread::sleep(Duration::from_millis(5));
        };
        assert_eq!(done.epoch, 300);
        // The same weights as training 300 epochs headless.
        let mut trainer = Trainer::new(net, TrainConfig::default()).unwrap();
        for _ in 0..300 {
            trainer.step_epoch(&data).unwrap();
        }
        assert_eq!(&done.network, trainer.network());
    }

    #[test]
    fn a_step_network_reports_why_it_cannot_train() {
        let data = DatasetSpec::default_for("xor").unwrap().generate();
        let net = Network::new(&[2, 2, 1], &[Activation::Step], Activation::Sigmoid, 0).unwrap();
        let live = LiveTraining::start(net, TrainConfig::default(), data.clone(), data, true);
        let start = Instant::now();
        let latest = loop {
            if let Some(l) = live.latest_since(0) {
                break l;
            }
            assert!(start.elapsed() < Duration::from_secs(10));
            std::thread::sleep(Duration::from_millis(5));
        };
        assert!(!latest.running);
        assert!(latest.error.unwrap().contains("step"));
    }
}
