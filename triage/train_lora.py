#!/usr/bin/env python3
"""Train a LoRA adapter for the hub's triage model on `hub triage export` data.

    python3 triage/train_lora.py --data train.jsonl --base google/functiongemma-270m-it --out hub-triage-lora
    python3 triage/train_lora.py --data train.jsonl --tiny --out /tmp/lora --steps 2    # smoke test, no weights

Each line of the export holds `prompt` (FunctionGemma text up to the opened model turn) and
`completion` (the calls, then <end_of_turn>). The loss is taken on the completion tokens only, so the
adapter learns which updates to call for a change, not to repeat the prompt. Needs torch,
transformers and peft (pip install torch transformers peft). `--tiny` builds a random-weight model in
the Gemma 3 architecture with a byte-level vocabulary instead of loading one, for testing the recipe
on machines without the weights. Serve the result with vLLM (--enable-lora --lora-modules
hub-triage=OUT) or convert it for llama.cpp with its convert_lora_to_gguf.py.
"""
import argparse
import json
import sys


def tiny_model_and_tokenizer():
    from transformers import Gemma3TextConfig, Gemma3ForCausalLM

    class Bytes:
        """A byte-level tokenizer: one id per UTF-8 byte, 256 = <eos>, 257 = <pad>."""
        eos_token_id = 256
        pad_token_id = 257

        def encode(self, text):
            return list(text.encode("utf-8"))

    config = Gemma3TextConfig(vocab_size=258, hidden_size=64, intermediate_size=128, num_hidden_layers=2,
                              num_attention_heads=2, num_key_value_heads=1, head_dim=32, max_position_embeddings=4096,
                              sliding_window=512, pad_token_id=257, eos_token_id=256, bos_token_id=256)
    return Gemma3ForCausalLM(config), Bytes()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", required=True, help="JSONL from `hub triage export`")
    ap.add_argument("--base", help="base model (a Hugging Face id or a local directory)")
    ap.add_argument("--tiny", action="store_true", help="a random-weight Gemma 3 model instead of --base (tests)")
    ap.add_argument("--out", required=True, help="directory for the adapter")
    ap.add_argument("--steps", type=int, default=200)
    ap.add_argument("--rank", type=int, default=8)
    ap.add_argument("--lr", type=float, default=2e-4)
    ap.add_argument("--max-tokens", type=int, default=2048, help="longer examples are cut from the left")
    args = ap.parse_args()
    if not args.tiny and not args.base:
        sys.exit("train_lora.py: give --base MODEL (e.g. google/functiongemma-270m-it) or --tiny")
    try:
        import torch
        from peft import LoraConfig, get_peft_model
    except ImportError as e:
        sys.exit(f"train_lora.py: {e.name} is missing: pip install torch transformers peft")

    examples = []
    with open(args.data, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if line.strip():
                row = json.loads(line)
                if "prompt" not in row or "completion" not in row:
                    sys.exit(f"{args.data}:{n}: no prompt/completion: is this a `hub triage export` file?")
                examples.append((row["prompt"], row["completion"]))
    if not examples:
        sys.exit(f"{args.data}: no examples (record changes with `hub watch` first)")

    if args.tiny:
        torch.manual_seed(0)
        model, tok = tiny_model_and_tokenizer()
        encode, eos = tok.encode, tok.eos_token_id
    else:
        from transformers import AutoModelForCausalLM, AutoTokenizer
        tokenizer = AutoTokenizer.from_pretrained(args.base)
        model = AutoModelForCausalLM.from_pretrained(args.base, torch_dtype=torch.float32)
        encode, eos = (lambda t: tokenizer.encode(t, add_special_tokens=False)), tokenizer.eos_token_id
    model = get_peft_model(model, LoraConfig(r=args.rank, lora_alpha=2 * args.rank, lora_dropout=0.0,
                                             target_modules=["q_proj", "k_proj", "v_proj", "o_proj"], task_type="CAUSAL_LM"))
    optimizer = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=args.lr)
    model.train()
    losses = []
    for step in range(args.steps):
        prompt, completion = examples[step % len(examples)]
        p, c = encode(prompt), encode(completion) + [eos]
        ids = (p + c)[-args.max_tokens:]
        labels = ([-100] * len(p) + c)[-args.max_tokens:]  # loss on the completion only
        out = model(input_ids=torch.tensor([ids]), labels=torch.tensor([labels]))
        out.loss.backward()
        optimizer.step()
        optimizer.zero_grad()
        losses.append(out.loss.item())
        if step % 20 == 0 or step == args.steps - 1:
            print(f"step {step + 1}/{args.steps}: loss {out.loss.item():.4f}", file=sys.stderr)
    model.save_pretrained(args.out)
    print(json.dumps({"examples": len(examples), "steps": args.steps, "first_loss": losses[0], "last_loss": losses[-1],
                      "adapter": args.out}))


if __name__ == "__main__":
    main()
