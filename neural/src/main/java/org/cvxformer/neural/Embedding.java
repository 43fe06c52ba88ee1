package org.cvxformer.neural;

/** {@code x_0[s, t] = E[token(s, t)] + P[t]}: token embedding {@code E} (V x d) plus position embedding {@code P} (n x d). */
public final class Embedding implements Block {
    private final ParamBlock tok;
    private final ParamBlock pos;
    private final int n;
    private final int d;
    private Buf out;

    public Embedding(Params pp, int vocab, int n, int d) {
        this.tok = pp.matrix("tok_emb", vocab, d);
        this.pos = pp.matrix("pos_emb", n, d);
        this.n = n;
        this.d = d;
    }

    @Override
    public Buf forward(Pass ps, Buf x, int rows) {
        out = ps.ar.ensure(out, ps.samples * n * d);
        ps.ar.embed(ps.tokens, ps.s0, ps.samples, n, d, ps.params, tok.offset(), pos.offset(), out);
        return out;
    }

    @Override
    public Buf backward(Pass ps, Buf gy) {
        ps.ar.embedBackward(ps.tokens, ps.s0, ps.samples, n, d, gy, ps.grad, tok.offset(), pos.offset());
        return null;
    }

    @Override
    public int outRows(int rows, int samples) {
        return samples * n;
    }
}
