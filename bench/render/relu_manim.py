"""The render benchmark's animation in manim Community Edition: the closest equivalent of
bench/render/relu-2000.ron. A grid of 24 + 24 lines (128 samples each) and the same 2,000
points are carried through the same hand-set 2-2-2 ReLU network, stage by stage (W·a, +b,
ReLU per layer), in 10 seconds; every point is a Dot, as every point is an entity in
spacefold.

Run by bench/render_vs_manim.sh, which writes the points to $SPACEFOLD_BENCH_CSV.
"""

import os

import numpy as np
from manim import (
    BLUE,
    ORANGE,
    Dot,
    Scene,
    UpdateFromAlphaFunc,
    VGroup,
    VMobject,
    config,
    smooth,
)

W1 = np.array([[1.2, -0.8], [0.6, 1.1]])
B1 = np.array([0.3, -0.2])
W2 = np.array([[1.0, -1.0], [-0.7, 0.9]])
B2 = np.array([0.1, 0.2])

# (function, seconds): the same stages and times as the spacefold scene.
STAGES = [
    (lambda p: p @ W1.T, 2.0),
    (lambda p: p + B1, 1.5),
    (lambda p: np.maximum(p, 0.0), 2.0),
    (lambda p: p @ W2.T, 2.0),
    (lambda p: p + B2, 1.5),
    (lambda p: np.maximum(p, 0.0), 1.0),
]
LINES, SAMPLES = 24, 128


class ReluSpace(Scene):
    def construct(self):
        data = np.loadtxt(os.environ["SPACEFOLD_BENCH_CSV"], delimiter=",", skiprows=1)
        points, labels = data[:, :2], data[:, 2].astype(int)
        lo, hi = points.min(axis=0), points.max(axis=0)
        pad = (hi - lo) * 0.1
        lo, hi = lo - pad, hi + pad
        # The grid over the data's box: lines of constant x, then of constant y.
        t = np.linspace(0.0, 1.0, SAMPLES)
        grid = []
        for i in range(LINES):
            u = i / (LINES - 1)
            x = lo[0] + u * (hi[0] - lo[0])
            y = lo[1] + u * (hi[1] - lo[1])
            grid.append(np.c_[np.full(SAMPLES, x), lo[1] + t * (hi[1] - lo[1])])
            grid.append(np.c_[lo[0] + t * (hi[0] - lo[0]), np.full(SAMPLES, y)])
        grid = np.array(grid)

        center = (lo + hi) / 2.0
        scale = min(config.frame_width, config.frame_height) * 0.9 / (hi - lo).max()

        def screen(p):
            q = (p - center) * scale
            return np.c_[q, np.zeros(len(q))]

        lines = VGroup()
        for g in grid:
            line = VMobject(stroke_width=1.5, stroke_opacity=0.55)
            line.set_points_as_corners(screen(g))
            lines.add(line)
        dots = VGroup(
            *[
                Dot(point=screen(p[None])[0], radius=0.03, color=BLUE if c == 0 else ORANGE)
                for p, c in zip(points, labels)
            ]
        )
        self.add(lines, dots)

        for f, seconds in STAGES:
            p0, p1 = points, f(points)
            g0, g1 = grid, f(grid.reshape(-1, 2)).reshape(grid.shape)

            def update(group, alpha, p0=p0, p1=p1, g0=g0, g1=g1):
                p = screen((1 - alpha) * p0 + alpha * p1)
                for dot, at in zip(group[1], p):
                    dot.move_to(at)
                g = (1 - alpha) * g0 + alpha * g1
                for line, samples in zip(group[0], g):
                    line.set_points_as_corners(screen(samples))

            self.play(
                UpdateFromAlphaFunc(VGroup(lines, dots), update),
                run_time=seconds,
                rate_func=smooth,
            )
            points, grid = p1, g1
