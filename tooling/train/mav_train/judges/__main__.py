"""`python3 -m mav_train.judges <command>` (from tooling/train, or with it on PYTHONPATH):

  train --out DIR [--count N] [--steps N] [--batch B] [--lr LR] [--seed S]   the attribute classifier
  clips --requests FILE.json --out FILE.safetensors                            reference clips and stills
  prompts --set quick|full --out FILE.json                                     an evaluation prompt set
  ablation --out DIR [--steps N] [--size tiny|default] [--clip C --init D]       temporal init: identity vs random
"""

from __future__ import annotations

import argparse
import json
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="mav_train.judges")
    commands = parser.add_subparsers(dest="command", required=True)
    train_parser = commands.add_parser("train", help="train and export the attribute classifier")
    train_parser.add_argument("--out", required=True)
    train_parser.add_argument("--count", type=int, default=24000)
    train_parser.add_argument("--steps", type=int, default=3000)
    train_parser.add_argument("--batch", type=int, default=64)
    train_parser.add_argument("--lr", type=float, default=3e-3)
    train_parser.add_argument("--seed", type=int, default=0)
    train_parser.add_argument("--eval-count", type=int, default=2000)
    clips_parser = commands.add_parser("clips", help="render reference clips and eval stills")
    clips_parser.add_argument("--requests", required=True)
    clips_parser.add_argument("--out", required=True)
    prompts_parser = commands.add_parser("prompts", help="write an evaluation prompt set")
    prompts_parser.add_argument("--set", required=True, choices=("quick", "full"))
    prompts_parser.add_argument("--out", required=True)
    ablation_parser = commands.add_parser("ablation", help="D^t from D with identity vs random temporal layers")
    ablation_parser.add_argument("--out", required=True)
    ablation_parser.add_argument("--steps", type=int, default=300)
    ablation_parser.add_argument("--size", default="tiny", choices=("default", "tiny"))
    ablation_parser.add_argument("--clip", help="output folder of a clip stage (default: train a tiny one)")
    ablation_parser.add_argument("--init", help="output folder of a decoder stage (default: train a tiny one)")
    ablation_parser.add_argument("--image-steps", type=int, default=300)
    ablation_parser.add_argument("--batch", type=int, default=2)
    ablation_parser.add_argument("--lr", type=float, default=1e-4)
    ablation_parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    if args.command == "train":
        from .train import train_judge

        result = train_judge(args.out, args.count, args.steps, args.batch, args.lr, args.seed, args.eval_count,
                             log=lambda line: print(line, file=sys.stderr, flush=True))
        print(json.dumps({"training": result["training"], "evaluation": result["evaluation"]}))
        return 0
    if args.command == "clips":
        from .clips import write_requests

        print(json.dumps({"written": write_requests(args.requests, args.out)}))
        return 0
    if args.command == "ablation":
        from .ablation import run_ablation

        print(json.dumps(run_ablation(args.out, args.steps, args.size, args.clip, args.init, args.image_steps,
                                      args.batch, args.lr, args.seed)))
        return 0
    if args.command == "prompts":
        from .prompt_set import PROMPT_SETS

        with open(args.out, "w", encoding="utf-8") as handle:
            json.dump(PROMPT_SETS[args.set](), handle, indent=2)
            handle.write("\n")
        return 0
    return 2


if __name__ == "__main__":
    sys.exit(main())
