# Environment labels for draw.sh, over summary.csv read twice.  On the first
# pass call env_scan(f, c) for every data row; on the second, env_label(f, c)
# names a row's environment by the axes on which the rows differ only, as
# "spread/passive/clang" ("default" where the runtime chose; "" when every
# row ran in one environment).
BEGIN { env_n = split("bind places wait_policy toolchain", env_axes, " ") }

function env_scan(f, c,    a, v) {
    for (a = 1; a <= env_n; a++) {
        if (!(env_axes[a] in c))
            continue
        v = f[c[env_axes[a]]]
        if (!(a in env_first))
            env_first[a] = v
        else if (v != env_first[a])
            env_varies[a] = 1
    }
}

function env_label(f, c,    a, v, out) {
    out = ""
    for (a = 1; a <= env_n; a++) {
        if (!(a in env_varies))
            continue
        v = f[c[env_axes[a]]]
        out = out (out == "" ? "" : "/") (v == "" ? "default" : v)
    }
    return out
}
