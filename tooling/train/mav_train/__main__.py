"""Command line: `python3 -m mav_train <command> ...` (run from tooling/train, or with it on PYTHONPATH).

  train <stage> --out DIR [--size default|tiny] [--steps N] [--batch B] [--lr LR] [--lr-decay-from N] [--clip DIR] [--init DIR]
        [--fps-lr-scale X] [--frame-conditioning masked-frames-then-mask|blended-frames-then-mask] [--scale-shift]
  export --out DIR --stages DIR [--size default|tiny]      the cascade: manifest.json, tokenizer.json, weights
  fixtures --out DIR                                       parity fixtures for @mav/train-parity
  preview --stages DIR --out FILE.json                     prompts + CLIP/prior embeddings for a contact sheet
  probe --clip DIR [--count N]                             shape and colour retrieval of the CLIP towers
  smoke --out DIR [--steps N]                              every stage trained a few steps at tiny size, exported
  reference --cascade DIR --trace T --mode video|image --prompt P --out F [--timings J]
                                                           the PyTorch reference run of an exported cascade
"""

from __future__ import annotations

import argparse
import json
import sys

from .presets import STAGES


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="mav_train")
    commands = parser.add_subparsers(dest="command", required=True)
    train_parser = commands.add_parser("train", help="train one stage")
    train_parser.add_argument("stage", choices=STAGES)
    train_parser.add_argument("--out", required=True)
    train_parser.add_argument("--size", default="default", choices=("default", "tiny"))
    train_parser.add_argument("--steps", type=int, default=1000)
    train_parser.add_argument("--batch", type=int, default=16)
    train_parser.add_argument("--lr", type=float, default=2e-4)
    train_parser.add_argument("--ema-decay", type=float, default=0.999)
    train_parser.add_argument("--checkpoint-every", type=int, default=250)
    train_parser.add_argument("--seed", type=int, default=0)
    train_parser.add_argument("--lr-decay-from", type=int,
                              help="keep --lr until this step, then decay it linearly to 0 at --steps")
    train_parser.add_argument("--fps-lr-scale", type=float, default=1.0, help="decoder_video: lr multiplier of the fps embedding")
    train_parser.add_argument("--frame-conditioning", default="masked-frames-then-mask",
                              choices=("masked-frames-then-mask", "blended-frames-then-mask"),
                              help="interpolation: what its 3 RGB conditioning channels hold")
    train_parser.add_argument("--scale-shift", action="store_true",
                              help="decoder, decoder_video, interpolation: AdaGN res blocks (embeddingScaleShift)")
    train_parser.add_argument("--clip", help="output folder of the clip stage")
    train_parser.add_argument("--init", help="output folder of the stage this one starts from")
    export_parser = commands.add_parser("export", help="assemble the cascade")
    export_parser.add_argument("--out", required=True)
    export_parser.add_argument("--stages", required=True, help="folder holding one output folder per stage")
    export_parser.add_argument("--size", default="default", choices=("default", "tiny"))
    fixtures_parser = commands.add_parser("fixtures", help="write parity fixtures")
    fixtures_parser.add_argument("--out", required=True)
    preview_parser = commands.add_parser("preview", help="evaluation prompts with their embeddings")
    preview_parser.add_argument("--stages", required=True)
    preview_parser.add_argument("--out", required=True)
    preview_parser.add_argument("--use-prior", action="store_true")
    probe_parser = commands.add_parser("probe", help="shape and colour retrieval of trained CLIP towers")
    probe_parser.add_argument("--clip", required=True, help="output folder of the clip stage")
    probe_parser.add_argument("--count", type=int, default=4, help="eval images per (shape, colour)")
    smoke_parser = commands.add_parser("smoke", help="a smoke-trained tiny cascade, exported")
    smoke_parser.add_argument("--out", required=True)
    smoke_parser.add_argument("--steps", type=int, default=8)
    reference_parser = commands.add_parser("reference", help="PyTorch reference run of an exported cascade")
    reference_parser.add_argument("--cascade", required=True, help="the exported model folder")
    reference_parser.add_argument("--trace", required=True, help="safetensors of the TypeScript run's noise")
    reference_parser.add_argument("--mode", required=True, choices=("video", "image"))
    reference_parser.add_argument("--prompt", required=True)
    reference_parser.add_argument("--out", required=True)
    reference_parser.add_argument("--timings", help="also write the UNet stages' sampling times (JSON) here")
    args = parser.parse_args(argv)

    if args.command == "train":
        from .stages import run_stage

        result = run_stage(args.stage, args.out, args.size, args.steps, args.batch, args.lr, args.clip, args.init,
                           args.ema_decay, args.checkpoint_every, args.seed, lr_decay_from=args.lr_decay_from,
                           fps_lr_scale=args.fps_lr_scale, frame_conditioning=args.frame_conditioning,
                           scale_shift=args.scale_shift)
        if result["rank"] == 0:
            losses = result["losses"]
            summary = {"stage": args.stage, "steps": args.steps, "secondsPerStep": round(result["secondsPerStep"], 4),
                       "firstLoss": losses[0] if losses else None, "lastLoss": losses[-1] if losses else None}
            print(json.dumps(summary))
        return 0
    if args.command == "export":
        from .export import export_cascade

        print(json.dumps(export_cascade(args.stages, args.out, args.size)))
        return 0
    if args.command == "fixtures":
        from .fixtures import write_fixtures

        write_fixtures(args.out)
        return 0
    if args.command == "preview":
        from .preview import write_preview

        write_preview(args.stages, args.out, args.use_prior)
        return 0
    if args.command == "smoke":
        from .smoke import smoke_cascade

        print(json.dumps(smoke_cascade(args.out, args.steps)))
        return 0
    if args.command == "reference":
        from .reference import write_reference

        print(json.dumps(write_reference(args.cascade, args.trace, args.mode, args.prompt, args.out, args.timings)))
        return 0
    if args.command == "probe":
        from .probe import clip_probe

        print(json.dumps(clip_probe(args.clip, args.count)))
        return 0
    return 1


if __name__ == "__main__":
    sys.exit(main())
