//! TEMPORARY refactor guard: checksums of the engine's outputs recorded before the
//! refactor, asserted after each step. Removed once the refactor is done.

use crate::flow::{
    Bend, Bounds, Ease, Flow, FlowInput, Grid, InputView, boundary_lines, boundary_planes,
    boundary_triangles, default_selection,
};
use crate::landscape::{
    Area, ColorMap, OutputMode, SurfaceSettings, Target, build_surfaces, four_neuron_network,
    hand_network, parse_neuron,
};
use crate::nn::{
    Activation, Dataset, DatasetSpec, Layer, Loss, Network, Optimizer, TrainConfig, Trainer,
};

struct H(u64);

impl H {
    fn new() -> H {
        H(0xcbf2_9ce4_8422_2325)
    }
    fn u64(&mut self, v: u64) {
        for b in v.to_le_bytes() {
            self.0 ^= b as u64;
            self.0 = self.0.wrapping_mul(0x100_0000_01b3);
        }
    }
    fn f32(&mut self, v: f32) {
        self.u64(v.to_bits() as u64);
    }
    fn f64(&mut self, v: f64) {
        self.u64(v.to_bits());
    }
    fn str(&mut self, s: &str) {
        for b in s.bytes() {
            self.u64(b as u64);
        }
        self.u64(0xff);
    }
    fn net(&mut self, n: &Network) {
        for l in n.layers() {
            self.str(l.activation.name());
            for v in l.weights.iter() {
                self.f32(*v);
            }
            for v in l.bias.iter() {
                self.f32(*v);
            }
        }
    }
    fn data(&mut self, d: &Dataset) {
        self.u64(d.classes as u64);
        self.u64(d.dim() as u64);
        for v in d.x.iter() {
            self.f32(*v);
        }
        for &y in &d.y {
            self.u64(y as u64);
        }
    }
}

fn datasets(out: &mut Vec<(String, u64)>) {
    let mut specs: Vec<String> = DatasetSpec::NAMES.iter().map(|s| s.to_string()).collect();
    specs.extend(
        [
            "spiral:arms=5,turns=2.5,n=333,noise=0.07,seed=9",
            "blobs:classes=7,n=101,noise=0.3,seed=4",
            "checkerboard:cells=3,n=250,noise=0.05,seed=2",
            "circle:n=7,noise=0.2,seed=5",
            "xor:n=33,noise=0.1,seed=8",
            "moons:n=1,seed=3",
            "mixture:n=31,noise=0.01,seed=0",
            "lines:n=77,noise=0.3,seed=6",
            "digits:n=50,noise=0.1,seed=3",
        ]
        .map(String::from),
    );
    for s in specs {
        let (spec, _) = DatasetSpec::parse(&s).unwrap();
        let mut h = H::new();
        h.str(&spec.to_arg());
        h.str(&spec.keys().join(","));
        h.u64(spec.classes() as u64);
        h.u64(spec.dim() as u64);
        h.u64(spec.seed());
        h.data(&spec.generate());
        out.push((format!("data {s}"), h.0));
    }
}

#[allow(clippy::type_complexity)]
fn training(out: &mut Vec<(String, u64)>) {
    let moons = DatasetSpec::default_for("moons").unwrap().generate();
    let blobs = DatasetSpec::default_for("blobs").unwrap().generate();
    let cases: Vec<(
        &str,
        &Dataset,
        Vec<usize>,
        Activation,
        Activation,
        TrainConfig,
    )> = vec![
        (
            "sgd",
            &moons,
            vec![2, 8, 1],
            Activation::Tanh,
            Activation::Sigmoid,
            TrainConfig {
                optimizer: Optimizer::Sgd {
                    lr: 0.1,
                    momentum: 0.9,
                },
                batch_size: 32,
                l2: 1e-3,
                snapshot_every: 5,
                ..TrainConfig::default()
            },
        ),
        (
            "adam",
            &blobs,
            vec![2, 7, 5, 3],
            Activation::Relu,
            Activation::Softmax,
            TrainConfig {
                batch_size: 50,
                seed: 3,
                ..TrainConfig::default()
            },
        ),
        (
            "adam-mse",
            &blobs,
            vec![2, 6, 3],
            Activation::Softplus,
            Activation::Identity,
            TrainConfig {
                loss: Some(Loss::Mse),
                ..TrainConfig::default()
            },
        ),
        (
            "lbfgs",
            &moons,
            vec![2, 5, 1],
            Activation::Sine,
            Activation::Sigmoid,
            TrainConfig {
                optimizer: Optimizer::lbfgs(),
                l2: 1e-4,
                ..TrainConfig::default()
            },
        ),
        (
            "lbfgs-leaky",
            &blobs,
            vec![2, 9, 3],
            Activation::LeakyRelu,
            Activation::Softmax,
            TrainConfig {
                optimizer: Optimizer::lbfgs(),
                ..TrainConfig::default()
            },
        ),
    ];
    for (name, data, sizes, hidden, head, config) in cases {
        let hiddens = vec![hidden; sizes.len() - 2];
        let net = Network::new(&sizes, &hiddens, head, 7).unwrap();
        let mut t = Trainer::new(net, config).unwrap();
        let mut h = H::new();
        t.run(data, 25, |s| {
            // Cannot borrow h mutably in a Send closure with the outer h; collect instead.
            let _ = s;
        })
        .unwrap();
        for _ in 0..5 {
            let s = t.step_epoch(data).unwrap();
            h.u64(s.epoch as u64);
            h.f64(s.loss);
        }
        h.net(t.network());
        for s in t.snapshots() {
            h.u64(s.epoch as u64);
            h.net(&s.network);
        }
        let e = crate::nn::evaluate(t.network(), data, None).unwrap();
        h.f64(e.loss);
        h.f64(e.accuracy);
        out.push((format!("train {name}"), h.0));
    }
}

fn landscapes(out: &mut Vec<(String, u64)>) {
    let net = Network::new(&[2, 6, 4, 3], &[Activation::Tanh], Activation::Softmax, 2).unwrap();
    let one = Network::new(&[2, 5, 1], &[Activation::Relu], Activation::Sigmoid, 4).unwrap();
    let four = four_neuron_network(Activation::Sigmoid);
    let step = four_neuron_network(Activation::Step);
    let hand = hand_network(
        &[
            parse_neuron("x - 2y + 1").unwrap(),
            parse_neuron("0.5*x + y - 1e-1").unwrap(),
        ],
        Activation::Sine,
        Some((&[1.0, -2.0], 0.5, Activation::Softplus)),
    )
    .unwrap();
    let area = Area {
        min: [-3.0, -2.0],
        max: [2.0, 4.0],
        resolution: 23,
    };
    let mut targets = vec![];
    for m in OutputMode::ALL {
        targets.push((Target::Outputs(m), None, true));
    }
    targets.push((Target::Neuron(0, 3), None, true));
    targets.push((Target::Neuron(1, 1), None, false));
    targets.push((Target::Neuron(0, 0), Some(0.4), true));
    targets.push((Target::Neuron(0, 1), Some(1.0), true));
    targets.push((Target::Neuron(0, 1), Some(1.7), false));
    for (ni, n) in [&net, &one, &four, &step, &hand].into_iter().enumerate() {
        for (ti, &(target, morph, pre)) in targets.iter().enumerate() {
            if let Target::Neuron(l, k) = target
                && (l >= n.layers().len() || k >= n.layers()[l].outputs())
            {
                continue;
            }
            for cm in ColorMap::ALL {
                let view = SurfaceSettings {
                    target,
                    morph,
                    pre_activation: pre,
                    colormap: cm,
                    height: 0.5,
                    ..SurfaceSettings::default()
                };
                let built = build_surfaces(n, &view, &area).unwrap();
                let mut h = H::new();
                for b in &built {
                    for p in b.mesh.positions.iter().chain(&b.mesh.normals) {
                        p.iter().for_each(|v| h.f32(*v));
                    }
                    b.mesh.indices.iter().for_each(|&i| h.u64(i as u64));
                    b.colors.iter().flatten().for_each(|v| h.f32(*v));
                    h.f32(b.alpha);
                    h.str(&b.info.label);
                    h.u64(b.info.class.map_or(99, u64::from));
                    h.f32(b.info.range.0);
                    h.f32(b.info.range.1);
                    b.zero_line
                        .iter()
                        .flatten()
                        .flatten()
                        .for_each(|v| h.f32(*v));
                }
                out.push((format!("surface net{ni} target{ti} {}", cm.name()), h.0));
            }
        }
    }
}

fn flows(out: &mut Vec<(String, u64)>) {
    let moons = DatasetSpec::parse("moons:n=150,noise=0.2")
        .unwrap()
        .0
        .generate();
    let digits = DatasetSpec::parse("digits:n=80").unwrap().0.generate();
    let grid = Grid {
        lines: 6,
        samples: 13,
        min: [-1.5, -1.0],
        max: [2.5, 1.5],
    };
    let mut cases = vec![];
    for act in Activation::ALL.into_iter().filter(|a| a.is_elementwise()) {
        cases.push((
            format!("{act}"),
            Network::new(&[2, 3, 5, 2], &[act, act], Activation::Softmax, 1).unwrap(),
            &moons,
            3,
        ));
    }
    cases.push((
        "wide".into(),
        Network::new(
            &[2, 7, 4, 1],
            &[Activation::Relu, Activation::Tanh],
            Activation::Sigmoid,
            3,
        )
        .unwrap(),
        &moons,
        2,
    ));
    cases.push((
        "digits".into(),
        Network::new(
            &[64, 8, 3, 10],
            &[Activation::Relu, Activation::Identity],
            Activation::Softmax,
            0,
        )
        .unwrap(),
        &digits,
        3,
    ));
    for (name, network, d, dims) in cases {
        let plane = d.principal_plane();
        let f = Flow::new(FlowInput {
            network: &network,
            points: &d.x,
            grid: Some(grid),
            input_view: InputView::for_dim(d.dim(), &plane),
            selection: default_selection(&network, &d.x, dims),
        })
        .unwrap();
        let mut h = H::new();
        let mut buf = vec![];
        h.u64(f.is_3d() as u64);
        for sel in f.selection() {
            sel.iter().for_each(|&s| h.u64(s as u64));
        }
        for ease in Ease::ALL {
            h.str(ease.name());
            for bend in Bend::ALL {
                h.str(bend.name());
                for i in 0..=47 {
                    let u = f.end() * i as f32 / 47.0;
                    f.sample(u, ease, bend, &mut buf);
                    buf.iter().flatten().for_each(|v| h.f32(*v));
                    let b = f.bounds(u, ease);
                    b.min.iter().chain(&b.max).for_each(|v| h.f32(*v));
                    h.u64(f.dims(u) as u64);
                }
            }
        }
        out.push((format!("flow {name}"), h.0));
    }
    // Boundaries of every output activation, one and several outputs.
    for act in Activation::ALL {
        for (k, inputs) in [(1, 2), (1, 3), (3, 2), (4, 3)] {
            let mut layer = Layer::from_rows(
                &(0..k)
                    .map(|r| {
                        (0..inputs)
                            .map(|c| (r * 3 + c) as f32 * 0.37 - 1.1)
                            .collect()
                    })
                    .collect::<Vec<Vec<f32>>>(),
                &(0..k).map(|r| r as f32 * 0.21 - 0.3).collect::<Vec<f32>>(),
                Activation::Identity,
                0,
            )
            .unwrap();
            layer.activation = act;
            let mut h = H::new();
            for p in boundary_planes(&layer) {
                p.normal.iter().for_each(|v| h.f32(*v));
                h.f32(p.offset);
                h.u64(p.classes.0 as u64);
                h.u64(p.classes.1 as u64);
            }
            for line in boundary_lines(&layer, [-2.0, -2.0], [2.0, 2.0], 40) {
                line.iter().flatten().for_each(|v| h.f32(*v));
            }
            let bounds = Bounds {
                min: [-2.0; 3],
                max: [2.0; 3],
            };
            for t in boundary_triangles(&layer, &bounds, 9) {
                t.iter().flatten().for_each(|v| h.f32(*v));
            }
            out.push((format!("boundary {act} {k}x{inputs}"), h.0));
        }
    }
}

const EXPECTED: &[(&str, u64)] = &[
    ("data circle", 0xb45764a3251dad32),
    ("data xor", 0x3ba519dac868e986),
    ("data blobs", 0x7d7f735b742a8def),
    ("data spiral", 0x233a9f7ad1890f85),
    ("data moons", 0x9fde49e14fd59376),
    ("data checkerboard", 0x86b6b4e3ef00a22d),
    ("data mixture", 0xf3756e7fd1e0b8df),
    ("data lines", 0xb82b39aca1929017),
    ("data digits", 0x032bfb1f29216c9c),
    (
        "data spiral:arms=5,turns=2.5,n=333,noise=0.07,seed=9",
        0xbfa1bc97b7733183,
    ),
    (
        "data blobs:classes=7,n=101,noise=0.3,seed=4",
        0xc799fa62b30ff2c6,
    ),
    (
        "data checkerboard:cells=3,n=250,noise=0.05,seed=2",
        0x60a3eb51f62f2c68,
    ),
    ("data circle:n=7,noise=0.2,seed=5", 0xeaa75212dfe14c34),
    ("data xor:n=33,noise=0.1,seed=8", 0x6e9d1895b9fbb289),
    ("data moons:n=1,seed=3", 0xd8413227f4607f69),
    ("data mixture:n=31,noise=0.01,seed=0", 0xa7f043fa2343fe33),
    ("data lines:n=77,noise=0.3,seed=6", 0xccd09c913d3387c3),
    ("data digits:n=50,noise=0.1,seed=3", 0x0b1ab981cd17efc4),
    ("train sgd", 0x17ca37901b9ddd48),
    ("train adam", 0x509eab18f61cc7a6),
    ("train adam-mse", 0xc20e8bbcd7f19f8f),
    ("train lbfgs", 0xb834437dda59bdc4),
    ("train lbfgs-leaky", 0xdf78d41d6daf15c9),
    (
        "surface net0 target0 valley-slope-mountain",
        0x42f996bccc74cac7,
    ),
    ("surface net0 target0 viridis", 0x42f996bccc74cac7),
    ("surface net0 target0 cool-warm", 0x42f996bccc74cac7),
    ("surface net0 target0 greys", 0x42f996bccc74cac7),
    (
        "surface net0 target1 valley-slope-mountain",
        0x8dfb9e24c1047730,
    ),
    ("surface net0 target1 viridis", 0x8dfb9e24c1047730),
    ("surface net0 target1 cool-warm", 0x8dfb9e24c1047730),
    ("surface net0 target1 greys", 0x8dfb9e24c1047730),
    (
        "surface net0 target2 valley-slope-mountain",
        0x73670c89837e223b,
    ),
    ("surface net0 target2 viridis", 0x73670c89837e223b),
    ("surface net0 target2 cool-warm", 0x73670c89837e223b),
    ("surface net0 target2 greys", 0x73670c89837e223b),
    (
        "surface net0 target3 valley-slope-mountain",
        0x802f66136a31454f,
    ),
    ("surface net0 target3 viridis", 0x1a3ef42506aa4856),
    ("surface net0 target3 cool-warm", 0x75523745cd576d90),
    ("surface net0 target3 greys", 0xbd3d35aa3f661838),
    (
        "surface net0 target4 valley-slope-mountain",
        0x989b7109baa40efc,
    ),
    ("surface net0 target4 viridis", 0x3b87987a84af5683),
    ("surface net0 target4 cool-warm", 0x4e489745cff88160),
    ("surface net0 target4 greys", 0x5e6ef93ccf33dea4),
    (
        "surface net0 target5 valley-slope-mountain",
        0x3799367df31e1584,
    ),
    ("surface net0 target5 viridis", 0x0d7aabd2bc41a7b6),
    ("surface net0 target5 cool-warm", 0x4e4e731844e055c2),
    ("surface net0 target5 greys", 0x0f14bc1374f34ebe),
    (
        "surface net0 target6 valley-slope-mountain",
        0xd43683285f3d9fdc,
    ),
    ("surface net0 target6 viridis", 0x55eb968acf8e6594),
    ("surface net0 target6 cool-warm", 0x6e4cca6706b986f2),
    ("surface net0 target6 greys", 0xbbccad5cbad86692),
    (
        "surface net0 target7 valley-slope-mountain",
        0xc83c051360f3fec4,
    ),
    ("surface net0 target7 viridis", 0x2dbecc5199267e30),
    ("surface net0 target7 cool-warm", 0x7b82770581425ce2),
    ("surface net0 target7 greys", 0x4479eee618d972b7),
    (
        "surface net1 target0 valley-slope-mountain",
        0xa7ed039d705c778c,
    ),
    ("surface net1 target0 viridis", 0xc4b67d98d4ccaec5),
    ("surface net1 target0 cool-warm", 0x567237a19a4816ab),
    ("surface net1 target0 greys", 0x38f7d7c82d4a3ee9),
    (
        "surface net1 target1 valley-slope-mountain",
        0xfc6ae11812507e49,
    ),
    ("surface net1 target1 viridis", 0xee57f01a5a4a22f3),
    ("surface net1 target1 cool-warm", 0x53ff9e962012c7b5),
    ("surface net1 target1 greys", 0xbd3c117dac531ba6),
    (
        "surface net1 target2 valley-slope-mountain",
        0xc051118ada78063c,
    ),
    ("surface net1 target2 viridis", 0x66978a71d49f1207),
    ("surface net1 target2 cool-warm", 0xc35a813081ba3ea2),
    ("surface net1 target2 greys", 0x1e373512cb9739c1),
    (
        "surface net1 target3 valley-slope-mountain",
        0xca8175b3cbd117f3,
    ),
    ("surface net1 target3 viridis", 0xd4cd9fc222ec2d1b),
    ("surface net1 target3 cool-warm", 0xe16951d7d0ba4932),
    ("surface net1 target3 greys", 0x500a714cc4fd43fa),
    (
        "surface net1 target5 valley-slope-mountain",
        0x94c2faf22b007c11,
    ),
    ("surface net1 target5 viridis", 0xed1e32c956ace0a5),
    ("surface net1 target5 cool-warm", 0x0e2ec5cb616244f3),
    ("surface net1 target5 greys", 0xb1c24a42ef82eca5),
    (
        "surface net1 target6 valley-slope-mountain",
        0x933466a8e5457c27,
    ),
    ("surface net1 target6 viridis", 0xb6af83304470c92c),
    ("surface net1 target6 cool-warm", 0x4da40724c0d72c3d),
    ("surface net1 target6 greys", 0x96e66e4079ee36b6),
    (
        "surface net1 target7 valley-slope-mountain",
        0x42c25b050db19535,
    ),
    ("surface net1 target7 viridis", 0x6b120129c4cca0de),
    ("surface net1 target7 cool-warm", 0xee8fc24cbd3a32fc),
    ("surface net1 target7 greys", 0xce9c5f9a5f0fd486),
    (
        "surface net2 target0 valley-slope-mountain",
        0xda8826e8ad048885,
    ),
    ("surface net2 target0 viridis", 0x0a1a8137dac78546),
    ("surface net2 target0 cool-warm", 0xb7ea3f45208a45fd),
    ("surface net2 target0 greys", 0xa235e929a008408a),
    (
        "surface net2 target1 valley-slope-mountain",
        0x38f005f88f43f349,
    ),
    ("surface net2 target1 viridis", 0x10867c7d8e7afed0),
    ("surface net2 target1 cool-warm", 0x946f2f1e26378351),
    ("surface net2 target1 greys", 0xe79ebc668374aa41),
    (
        "surface net2 target2 valley-slope-mountain",
        0xedb91daa03feacc6,
    ),
    ("surface net2 target2 viridis", 0x8898d6b1d3d4c9fc),
    ("surface net2 target2 cool-warm", 0xf24d06ea5aef633b),
    ("surface net2 target2 greys", 0x28d270ef3ce5b738),
    (
        "surface net2 target3 valley-slope-mountain",
        0x802e57234d244888,
    ),
    ("surface net2 target3 viridis", 0xa99175cc48b4631b),
    ("surface net2 target3 cool-warm", 0x43eceb878b709ce7),
    ("surface net2 target3 greys", 0x24c73c42bfbd3025),
    (
        "surface net2 target5 valley-slope-mountain",
        0x0189b988c6dd8400,
    ),
    ("surface net2 target5 viridis", 0x7161a71880edd279),
    ("surface net2 target5 cool-warm", 0xbce127449afe1e66),
    ("surface net2 target5 greys", 0x0488cb65c4dc561a),
    (
        "surface net2 target6 valley-slope-mountain",
        0xe2b51dff696f5d12,
    ),
    ("surface net2 target6 viridis", 0xab14ed432d54d1c3),
    ("surface net2 target6 cool-warm", 0x7f32bafa3892f409),
    ("surface net2 target6 greys", 0x3f25a33cd7373b90),
    (
        "surface net2 target7 valley-slope-mountain",
        0xcba7c7bf1d6caffe,
    ),
    ("surface net2 target7 viridis", 0xba26e287071865a5),
    ("surface net2 target7 cool-warm", 0xc70d06e5e4604f76),
    ("surface net2 target7 greys", 0xaaa3f9266acf38ab),
    (
        "surface net3 target0 valley-slope-mountain",
        0xd3866b4ca0492cc0,
    ),
    ("surface net3 target0 viridis", 0x07344f69f0a9b490),
    ("surface net3 target0 cool-warm", 0x5314c26e79e1fe84),
    ("surface net3 target0 greys", 0xd5f57ca8a86fcd07),
    (
        "surface net3 target1 valley-slope-mountain",
        0x57a67a4f4a284aed,
    ),
    ("surface net3 target1 viridis", 0x6801c890c3d16d09),
    ("surface net3 target1 cool-warm", 0x71302e50abbddbc9),
    ("surface net3 target1 greys", 0x3d7a1277b66b8ae2),
    (
        "surface net3 target2 valley-slope-mountain",
        0x1fb9e6bb630ca013,
    ),
    ("surface net3 target2 viridis", 0xb4775839bbac66ef),
    ("surface net3 target2 cool-warm", 0x7699f8f81502552f),
    ("surface net3 target2 greys", 0xa071d45d157cb03c),
    (
        "surface net3 target3 valley-slope-mountain",
        0x6e44e9782dfac044,
    ),
    ("surface net3 target3 viridis", 0x9fad1c03019b9a7b),
    ("surface net3 target3 cool-warm", 0x9489268659256929),
    ("surface net3 target3 greys", 0xbe2b7516893c2595),
    (
        "surface net3 target5 valley-slope-mountain",
        0x0189b988c6dd8400,
    ),
    ("surface net3 target5 viridis", 0x7161a71880edd279),
    ("surface net3 target5 cool-warm", 0xbce127449afe1e66),
    ("surface net3 target5 greys", 0x0488cb65c4dc561a),
    (
        "surface net3 target6 valley-slope-mountain",
        0xe2b51dff696f5d12,
    ),
    ("surface net3 target6 viridis", 0xab14ed432d54d1c3),
    ("surface net3 target6 cool-warm", 0x7f32bafa3892f409),
    ("surface net3 target6 greys", 0x3f25a33cd7373b90),
    (
        "surface net3 target7 valley-slope-mountain",
        0xcba7c7bf1d6caffe,
    ),
    ("surface net3 target7 viridis", 0xba26e287071865a5),
    ("surface net3 target7 cool-warm", 0xc70d06e5e4604f76),
    ("surface net3 target7 greys", 0xaaa3f9266acf38ab),
    (
        "surface net4 target0 valley-slope-mountain",
        0xdaf63492c2956afb,
    ),
    ("surface net4 target0 viridis", 0x67aaf28df42c16c1),
    ("surface net4 target0 cool-warm", 0xfc1bdb19eeae7775),
    ("surface net4 target0 greys", 0x244e519a1ee05d0c),
    (
        "surface net4 target1 valley-slope-mountain",
        0xc78b9b9c51a36e68,
    ),
    ("surface net4 target1 viridis", 0x7c5ee4d74d9e3539),
    ("surface net4 target1 cool-warm", 0xd407c0113355395a),
    ("surface net4 target1 greys", 0xd7e42269df3906ca),
    (
        "surface net4 target2 valley-slope-mountain",
        0xcdf12932fb03f7aa,
    ),
    ("surface net4 target2 viridis", 0x2b6741f9a5f21eb0),
    ("surface net4 target2 cool-warm", 0x2bce4b53cdf4aa79),
    ("surface net4 target2 greys", 0x38a7ea9e28651abe),
    (
        "surface net4 target5 valley-slope-mountain",
        0xcbe65caea0f588d5,
    ),
    ("surface net4 target5 viridis", 0xd8ac15a167694e0f),
    ("surface net4 target5 cool-warm", 0x4ef2097f8ece79c0),
    ("surface net4 target5 greys", 0x6de568537d1fff14),
    (
        "surface net4 target6 valley-slope-mountain",
        0x9b1bc216f9f86a17,
    ),
    ("surface net4 target6 viridis", 0x679f9c3d3d25ce07),
    ("surface net4 target6 cool-warm", 0xeacd9c205337e79b),
    ("surface net4 target6 greys", 0x99c4bbe860dd9aaf),
    (
        "surface net4 target7 valley-slope-mountain",
        0xc2994e4ed5c07818,
    ),
    ("surface net4 target7 viridis", 0x5f05e1a26abd7980),
    ("surface net4 target7 cool-warm", 0xde1f4f558e52a8a0),
    ("surface net4 target7 greys", 0x55c4153728d7c40d),
    ("flow identity", 0x490d3d45aad6f7f9),
    ("flow sigmoid", 0x24301b0315535042),
    ("flow tanh", 0xdc2aff6b2ab718a7),
    ("flow relu", 0x3066ad068a961992),
    ("flow leaky_relu", 0xfb826ffbc8ad4a0b),
    ("flow step", 0x56f34e85ccaa7fe6),
    ("flow sine", 0xfef4e7ac61953915),
    ("flow softplus", 0xa066ad891b3ac59b),
    ("flow wide", 0x5bfd26608c1a519c),
    ("flow digits", 0xa363fd77c6dbeaee),
    ("boundary identity 1x2", 0x37999626ca9b4fd8),
    ("boundary identity 1x3", 0x659dca0a880a8e75),
    ("boundary identity 3x2", 0x40a83e9cceeccf25),
    ("boundary identity 4x3", 0xc1fc332f21994f7c),
    ("boundary sigmoid 1x2", 0xda55742df4a6cbc8),
    ("boundary sigmoid 1x3", 0x5f59d9006b132702),
    ("boundary sigmoid 3x2", 0x40a83e9cceeccf25),
    ("boundary sigmoid 4x3", 0xc1fc332f21994f7c),
    ("boundary tanh 1x2", 0x2834116a2d897ffa),
    ("boundary tanh 1x3", 0x1845fb6014fd428b),
    ("boundary tanh 3x2", 0x40a83e9cceeccf25),
    ("boundary tanh 4x3", 0xc1fc332f21994f7c),
    ("boundary relu 1x2", 0xda55742df4a6cbc8),
    ("boundary relu 1x3", 0x5f59d9006b132702),
    ("boundary relu 3x2", 0x40a83e9cceeccf25),
    ("boundary relu 4x3", 0xc1fc332f21994f7c),
    ("boundary leaky_relu 1x2", 0xda55742df4a6cbc8),
    ("boundary leaky_relu 1x3", 0x5f59d9006b132702),
    ("boundary leaky_relu 3x2", 0x40a83e9cceeccf25),
    ("boundary leaky_relu 4x3", 0xc1fc332f21994f7c),
    ("boundary step 1x2", 0xda55742df4a6cbc8),
    ("boundary step 1x3", 0x5f59d9006b132702),
    ("boundary step 3x2", 0x40a83e9cceeccf25),
    ("boundary step 4x3", 0xc1fc332f21994f7c),
    ("boundary sine 1x2", 0xda55742df4a6cbc8),
    ("boundary sine 1x3", 0x5f59d9006b132702),
    ("boundary sine 3x2", 0x40a83e9cceeccf25),
    ("boundary sine 4x3", 0xc1fc332f21994f7c),
    ("boundary softplus 1x2", 0x825966e43ce4d967),
    ("boundary softplus 1x3", 0x33078bb9b8a3269a),
    ("boundary softplus 3x2", 0x40a83e9cceeccf25),
    ("boundary softplus 4x3", 0xc1fc332f21994f7c),
    ("boundary softmax 1x2", 0xda55742df4a6cbc8),
    ("boundary softmax 1x3", 0x5f59d9006b132702),
    ("boundary softmax 3x2", 0x40a83e9cceeccf25),
    ("boundary softmax 4x3", 0xc1fc332f21994f7c),
];

#[test]
fn refactor_guard_outputs_are_unchanged() {
    let mut got = vec![];
    datasets(&mut got);
    training(&mut got);
    landscapes(&mut got);
    flows(&mut got);
    for (name, h) in &got {
        if EXPECTED.is_empty() {
            println!("    ({name:?}, {h:#018x}),");
        }
    }
    if !EXPECTED.is_empty() {
        assert_eq!(got.len(), EXPECTED.len());
        for ((name, h), (en, eh)) in got.iter().zip(EXPECTED) {
            assert_eq!((name.as_str(), *h), (*en, *eh));
        }
    }
}
