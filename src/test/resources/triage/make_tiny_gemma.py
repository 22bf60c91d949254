#!/usr/bin/env python3
"""Writes a tiny random-weight model in the Gemma 3 architecture, and a LoRA adapter for it, as GGUF.

    python3 make_tiny_gemma.py OUT_DIR [--seed N] [--layers N]

writes OUT_DIR/tiny-gemma3.gguf and OUT_DIR/tiny-gemma3-lora.gguf and prints their paths. It
exists so the tests can drive the real inference engine (llama.cpp) end to end without
downloading weights: the model is untrained and its output is noise, but every part of the path
is real: the gemma3 graph (sliding-window and global attention layers, q/k norms, GELU gated
feed-forward, tied output head), a SentencePiece-style ("llama") vocabulary with byte fallback and
FunctionGemma's control tokens as single tokens, and a LoRA adapter laid out as llama.cpp's
convert_lora_to_gguf.py writes it. Needs the `gguf` and `numpy` packages
(`pip install gguf numpy`). Deterministic for a seed; takes well under a second.

Shapes: 6 blocks, embedding 64, 2 query heads sharing 1 key/value head, head dim 32, feed-forward
128, context 512, sliding window 128, all F32 (1.1 MB). Six blocks because llama.cpp b4916 (the
build java-llama.cpp 4.2.0 bundles) crashed in warm-up with 2 and with 5 (SIGSEGV in
ggml_backend_buffer_get_type); gemma3 makes every 6th layer global, so fewer have none.
Random weights would make greedy decoding end the turn at once or repeat the input token, so the
embeddings are small and carry a constant "not the end" feature (see model_tensors).
"""
import argparse
import pathlib
import sys

try:
    import numpy as np
    import gguf
except ImportError as e:  # EmbeddedEngineTest shows this message
    sys.exit(f"make_tiny_gemma.py needs the Python packages gguf and numpy ({e}); run: pip install gguf numpy")

ARCH = "gemma3"
N_LAYER = 6
N_EMBD = 64
N_HEAD = 2
N_HEAD_KV = 1
HEAD_DIM = 32
N_FF = 128
N_CTX = 512
SLIDING_WINDOW = 128
EMBD_SCALE = 0.15
NOT_END = 2.0
LORA_RANK = 4
LORA_ALPHA = 8.0

# Control tokens: parsed from prompt text as single tokens, rendered as their text when the
# engine prints special tokens. The FunctionGemma ones are the tokens of google/functiongemma-270m-it.
CONTROL = ["<pad>", "<eos>", "<bos>", "<unk>", "<mask>", "<start_of_turn>", "<end_of_turn>",
           "<start_function_declaration>", "<end_function_declaration>",
           "<start_function_call>", "<end_function_call>",
           "<start_function_response>", "<end_function_response>", "<escape>"]
PAD, EOS, BOS, UNK = 0, 1, 2, 3

WORDS = """call reason update run find callers callees tests test node changed change body signature
docstring function functions class module method file files state why which should the a an of to in
is for and or with not no yes new old this that it be on by from as are was has its can do model user
developer declaration description parameters properties required type string object recompute
extract extract_signatures find_callers find_tests run_find_callers run_find_tests complexity imports
exports similar refresh markdown page index skip needed because affected stale fresh missing moved
renamed added removed lines body_changed py java src main""".split()

PUNCT = list(" ,.()_-:{}[]<>/'\"!?;=+*#@&%$|\\~`^") + ["\n", "▁"]


def vocabulary():
    """(pieces, scores, types): control tokens, 256 byte tokens, then pieces scored so longer pieces win."""
    pieces, scores, types = [], [], []

    def add(piece, score, kind):
        if piece not in seen:
            seen.add(piece)
            pieces.append(piece)
            scores.append(score)
            types.append(kind)

    seen = set()
    for t in CONTROL:
        add(t, 0.0, gguf.TokenType.UNKNOWN if t == "<unk>" else gguf.TokenType.CONTROL)
    for b in range(256):
        add(f"<0x{b:02X}>", 0.0, gguf.TokenType.BYTE)
    singles = [chr(c) for c in range(ord("a"), ord("z") + 1)] + \
              [chr(c) for c in range(ord("A"), ord("Z") + 1)] + \
              [str(d) for d in range(10)] + PUNCT
    for s in singles:
        add(s, -1000.0, gguf.TokenType.NORMAL)
        if s.isalnum():
            add("▁" + s, -900.0, gguf.TokenType.NORMAL)
    # two-letter pieces that the words are built from, so SentencePiece merges have paths to them
    for w in WORDS:
        for i in range(len(w) - 1):
            add(w[i:i + 2], -500.0, gguf.TokenType.NORMAL)
    for w in WORDS:
        for i in range(2, len(w)):
            add(w[:i + 1], -100.0 + i, gguf.TokenType.NORMAL)
        add("▁" + w, -10.0 + len(w), gguf.TokenType.NORMAL)
    return pieces, scores, types


def model_tensors(rng, n_vocab, n_layer):
    def mat(rows, cols, scale=None):
        s = scale if scale is not None else 1.0 / np.sqrt(cols)
        return (rng.standard_normal((rows, cols)) * s).astype(np.float32)

    def norm(n):
        return (1.0 + 0.1 * rng.standard_normal(n)).astype(np.float32)

    # numpy shape is (rows, cols) = ggml (ne1, ne0): a weight of ne [in, out] is written (out, in)
    # Small embeddings: gemma3 multiplies them by sqrt(n_embd), and at scale 1 the residual stream is
    # mostly the input token, so the tied output head predicts the input again ("\n\n\n...").
    # Dimension 0 is a constant "not the end" feature: +NOT_END for every token, -NOT_END for the end
    # tokens, so the residual stream always points that way and the untrained model prefers any token
    # the grammar allows over ending its turn at once (a trained model learns when to stop).
    embd = mat(n_vocab, N_EMBD, EMBD_SCALE)
    embd[:, 0] = NOT_END
    embd[[EOS, CONTROL.index("<end_of_turn>")], 0] = -NOT_END
    t = {"token_embd.weight": embd, "output_norm.weight": norm(N_EMBD)}
    for i in range(n_layer):
        p = f"blk.{i}."
        t[p + "attn_norm.weight"] = norm(N_EMBD)
        t[p + "attn_q.weight"] = mat(N_HEAD * HEAD_DIM, N_EMBD)
        t[p + "attn_k.weight"] = mat(N_HEAD_KV * HEAD_DIM, N_EMBD)
        t[p + "attn_v.weight"] = mat(N_HEAD_KV * HEAD_DIM, N_EMBD)
        t[p + "attn_q_norm.weight"] = norm(HEAD_DIM)
        t[p + "attn_k_norm.weight"] = norm(HEAD_DIM)
        t[p + "attn_output.weight"] = mat(N_EMBD, N_HEAD * HEAD_DIM)
        t[p + "post_attention_norm.weight"] = norm(N_EMBD)
        t[p + "ffn_norm.weight"] = norm(N_EMBD)
        t[p + "ffn_gate.weight"] = mat(N_FF, N_EMBD)
        t[p + "ffn_up.weight"] = mat(N_FF, N_EMBD)
        t[p + "ffn_down.weight"] = mat(N_EMBD, N_FF)
        t[p + "post_ffw_norm.weight"] = norm(N_EMBD)
    return t


def write_model(path, rng, n_layer):
    pieces, scores, types = vocabulary()
    w = gguf.GGUFWriter(str(path), ARCH)
    w.add_name("tiny-gemma3-random")
    w.add_description("random weights for tests; not a language model")
    w.add_file_type(gguf.LlamaFileType.ALL_F32)
    w.add_context_length(N_CTX)
    w.add_embedding_length(N_EMBD)
    w.add_block_count(n_layer)
    w.add_feed_forward_length(N_FF)
    w.add_head_count(N_HEAD)
    w.add_head_count_kv(N_HEAD_KV)
    w.add_key_length(HEAD_DIM)
    w.add_value_length(HEAD_DIM)
    w.add_layer_norm_rms_eps(1e-6)
    w.add_rope_freq_base(1_000_000.0)
    w.add_rope_freq_base_swa(10_000.0)  # b4916 hard-codes 10000 for gemma3's local layers; newer builds read it
    w.add_sliding_window(SLIDING_WINDOW)
    w.add_tokenizer_model("llama")
    w.add_tokenizer_pre("default")
    w.add_token_list(pieces)
    w.add_token_scores(scores)
    w.add_token_types([int(t) for t in types])
    w.add_bos_token_id(BOS)
    w.add_eos_token_id(EOS)
    w.add_unk_token_id(UNK)
    w.add_pad_token_id(PAD)
    w.add_add_bos_token(True)
    w.add_add_eos_token(False)
    w.add_add_space_prefix(False)
    for name, data in model_tensors(rng, len(pieces), n_layer).items():
        w.add_tensor(name, data)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    return len(pieces)


def write_lora(path, rng, n_layer):
    """A LoRA on every attention and feed-forward projection, as convert_lora_to_gguf.py lays it out:
    lora_a has ne [in, rank] (numpy (rank, in)), lora_b ne [rank, out] (numpy (out, rank)).
    B is random and non-zero (a freshly initialised PEFT adapter has B = 0 and changes nothing)."""
    w = gguf.GGUFWriter(str(path), ARCH)
    w.add_type(gguf.GGUFType.ADAPTER)
    w.add_string(gguf.Keys.Adapter.TYPE, "lora")
    w.add_float32(gguf.Keys.Adapter.LORA_ALPHA, LORA_ALPHA)
    w.add_name("tiny-gemma3-random-lora")
    shapes = {"attn_q": (N_EMBD, N_HEAD * HEAD_DIM), "attn_k": (N_EMBD, N_HEAD_KV * HEAD_DIM),
              "attn_v": (N_EMBD, N_HEAD_KV * HEAD_DIM), "attn_output": (N_HEAD * HEAD_DIM, N_EMBD),
              "ffn_gate": (N_EMBD, N_FF), "ffn_up": (N_EMBD, N_FF), "ffn_down": (N_FF, N_EMBD)}
    for i in range(n_layer):
        for proj, (n_in, n_out) in shapes.items():
            name = f"blk.{i}.{proj}.weight"
            w.add_tensor(name + ".lora_a", (rng.standard_normal((LORA_RANK, n_in)) / np.sqrt(n_in)).astype(np.float32))
            w.add_tensor(name + ".lora_b", (rng.standard_normal((n_out, LORA_RANK)) * 0.5).astype(np.float32))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out_dir", type=pathlib.Path)
    ap.add_argument("--seed", type=int, default=14)
    ap.add_argument("--layers", type=int, default=N_LAYER, help="blocks (default %(default)s; b4916 needs 6 or more)")
    ap.add_argument("--context", type=int, default=512, help="trained context length (default %(default)s)")
    args = ap.parse_args()
    global N_CTX
    N_CTX = args.context
    args.out_dir.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(args.seed)
    model = args.out_dir / "tiny-gemma3.gguf"
    lora = args.out_dir / "tiny-gemma3-lora.gguf"
    n_vocab = write_model(model, rng, args.layers)
    write_lora(lora, rng, args.layers)
    print(model)
    print(lora)
    print(f"vocab {n_vocab} tokens", file=sys.stderr)


if __name__ == "__main__":
    main()
