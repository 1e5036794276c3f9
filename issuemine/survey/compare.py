"""Per-item comparison of before and after: pairing, descriptives, the right tests, Holm, warnings.

An item is analysed as paired when respondent ids match for at least ``min_pair_share`` of the larger
phase (default: half); then only the matched pairs enter the Wilcoxon signed-rank and McNemar tests.
Otherwise the forms are treated as anonymous and every answer enters Mann–Whitney U and Fisher.

Respondents are matched by ``read.respondent_key`` (ids of digits only by their number: "001" = "1"); the
answers keep the ids as written, and the pairing summary says how many pairs only that rule found.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from issuemine.errors import ConfigError, InputError
from issuemine.survey import stats
from issuemine.survey.read import PHASE_JA, carried, respondent_key
from issuemine.survey.scales import Scales, load_scales

from issuemine.schema import SURVEY_ITEMS

COLUMNS = SURVEY_ITEMS.names  # survey_items.csv: the columns are defined once, in issuemine/schema.py
UP, DOWN, SAME = "上昇", "低下", "変化なし"
MIN_NONZERO = 6  # with 5 or fewer non-zero differences the exact two-sided p cannot go below 0.0625

ZERO_HANDLING = ("前後で同じ回答の対(差が0)は除いて順位をつけました(R の wilcox.test と同じ扱い)。"
                 "N は差が0でない対の数で、検定と効果量 r = Z/√N の両方に用いています。")
METHODS = {
    "paired": "対応あり: Wilcoxon の符号付順位検定。p 値は、差が0でない対が50組未満なら、同じ回答(同順位)や"
              "差が0の対を含めたまま符号の入れかえを全通り数えた正確検定で求めました(50組以上は正規近似)。"
              "SPSS や R と比べるための正規近似の p 値も並べて出します。効果量は r = Z/√N と対応のある順位双列相関。"
              "肯定的な回答(上位2段階)かどうかは McNemar の正確検定(二項検定)で比べました。",
    "unpaired": "対応なし: Mann–Whitney の U 検定。p 値は、各時期の回答が50件未満なら、同順位を含めたまま"
                "回答の割りふりを全通り数えた正確検定で求めました(50件以上は正規近似)。効果量は順位双列相関。"
                "肯定的な回答の割合は Fisher の正確検定で比べました。",
    "holm": "項目をいくつも比べると偶然の差が混じりやすいため、Holm 法で補正した p 値も出しています"
            "(順位の検定と、肯定的な回答の割合の検定のそれぞれで補正)。",
    "quartiles": "中央値と四分位(25%点・75%点)は、各時期のすべての回答から、値の間を直線で補って求めました。",
    "r": "r = Z/√N(対応あり: N = 差が0でない対の数、対応なし: N = 両時期の回答数の合計)。"
         "目安は 0.1 以上で小、0.3 以上で中、0.5 以上で大。",
}
METHODS_NORMAL = {
    "paired": "対応あり: Wilcoxon の符号付順位検定(同順位・差0の対がなく50組未満なら正確検定、それ以外は"
              "同順位を補正した正規近似)、効果量 r = Z/√N と対応のある順位双列相関、肯定的な回答かどうかの"
              " McNemar 正確検定。",
    "unpaired": "対応なし: Mann–Whitney の U 検定(同順位がなく各群50件未満なら正確検定、それ以外は同順位を"
                "補正した正規近似)と順位双列相関、肯定的な回答の割合の Fisher 正確検定。",
}


@dataclass
class SurveyResult:
    """items: one row per item (COLUMNS); info: how it was read and tested; freetext: free answers."""

    items: object
    info: dict = field(default_factory=dict)
    freetext: object = None
    answers: object = None


def _describe(values: np.ndarray, positive: set[int], top: int) -> dict:
    if values.size == 0:
        return dict(median=np.nan, q1=np.nan, q3=np.nan, iqr=np.nan, mean=np.nan, pct=np.nan, top=np.nan)
    q1, med, q3 = np.percentile(values, [25, 50, 75])
    return dict(median=float(med), q1=float(q1), q3=float(q3), iqr=float(q3 - q1),
                mean=float(values.mean()), pct=100.0 * float(np.isin(values, list(positive)).mean()),
                top=100.0 * float((values == top).mean()))


def _direction(effect: float) -> str:
    if effect is None or math.isnan(effect) or effect == 0:
        return SAME
    return UP if effect > 0 else DOWN


def _compare_one(item: str, sub, keys, scale, min_pair_share: float, ceiling_share: float,
                 ceiling_positive: float, exact: bool) -> dict:
    """``keys``: the pairing key of each row of ``sub`` (an array in row order)."""
    is_pre = (sub["phase"] == "pre").to_numpy()
    is_post = (sub["phase"] == "post").to_numpy()
    pre, post = sub[is_pre], sub[is_post]
    pre_ids = {r: v for r, v in zip(keys[is_pre], pre["value"]) if r}
    post_ids = {r: v for r, v in zip(keys[is_post], post["value"]) if r}
    matched = sorted(set(pre_ids) & set(post_ids))
    n_pre, n_post, n_pairs = len(pre), len(post), len(matched)
    paired = n_pairs > 0 and n_pairs >= min_pair_share * max(n_pre, n_post)
    v_pre = pre["value"].to_numpy(dtype=float)
    v_post = post["value"].to_numpy(dtype=float)
    d_pre = _describe(v_pre, scale.positive, scale.top)
    d_post = _describe(v_post, scale.positive, scale.top)
    nan = float("nan")
    row = dict(item=item, scale=scale.scale_id, paired=paired, n_pairs=n_pairs, n_pre=n_pre, n_post=n_post,
               n_only_pre=n_pre - n_pairs, n_only_post=n_post - n_pairs)
    for ph, d in (("pre", d_pre), ("post", d_post)):
        row.update({f"median_{ph}": d["median"], f"q1_{ph}": d["q1"], f"q3_{ph}": d["q3"],
                    f"iqr_{ph}": d["iqr"], f"mean_{ph}": d["mean"], f"pct_positive_{ph}": d["pct"]})
    row["pct_top_pre"] = d_pre["top"]
    row.update(wilcoxon_v=nan, wilcoxon_n=np.nan, n_zero_diff=np.nan, wilcoxon_p=nan, wilcoxon_method="",
               wilcoxon_p_normal=nan, mannwhitney_p_normal=nan, z=nan, r=nan, r_n=np.nan, rank_biserial=nan, mcnemar_b=np.nan, mcnemar_c=np.nan,
               mcnemar_p=nan, mannwhitney_u=nan, mannwhitney_p=nan, mannwhitney_method="", fisher_p=nan)
    warnings = []
    if paired:
        b = np.array([pre_ids[r] for r in matched], dtype=float)
        a = np.array([post_ids[r] for r in matched], dtype=float)
        w = stats.wilcoxon_signed_rank(b, a, exact=exact)
        mp, mb, mc = stats.mcnemar_exact(np.isin(b, list(scale.positive)), np.isin(a, list(scale.positive)))
        row.update(wilcoxon_v=w.t_plus, wilcoxon_n=w.n, n_zero_diff=w.n_zero, wilcoxon_p=w.p,
                   wilcoxon_method=w.method, wilcoxon_p_normal=w.p_normal, z=w.z, r=w.r, r_n=w.n if w.n else np.nan,
                   rank_biserial=w.rank_biserial, mcnemar_b=mb, mcnemar_c=mc, mcnemar_p=mp, p=w.p)
        effect = w.rank_biserial
        if w.n == 0:
            warnings.append("すべての対で前後の回答が同じため、順位検定はできません")
        elif w.n < MIN_NONZERO:
            warnings.append(f"差が0でない対が{w.n}組しかなく(6組未満)、正確検定では両側5%で有意になり得ません")
    else:
        m = stats.mann_whitney(v_pre, v_post, exact=exact)
        fp = stats.fisher_positive(np.isin(v_pre, list(scale.positive)), np.isin(v_post, list(scale.positive)))
        n_all = n_pre + n_post
        row.update(mannwhitney_u=m.u, mannwhitney_p=m.p, mannwhitney_method=m.method, mannwhitney_p_normal=m.p_normal, z=m.z,
                   r=m.z / math.sqrt(n_all) if n_all else nan, r_n=n_all if n_all else np.nan,
                   rank_biserial=m.rank_biserial, fisher_p=fp, p=m.p)
        effect = m.rank_biserial
        if n_pairs > 0:
            warnings.append(f"回答者IDで対応づけできたのが{n_pairs}人だけのため、対応のない検定を用いました")
        if n_pre and n_post and np.unique(np.concatenate([v_pre, v_post])).size == 1:
            warnings.append("すべての回答が同じ値のため、順位検定はできません")
        for ph, n in (("pre", n_pre), ("post", n_post)):
            if n == 0:
                warnings.append(f"{PHASE_JA[ph]}の回答がありません")
    if n_pre and (d_pre["top"] >= 100.0 * ceiling_share or d_pre["pct"] >= 100.0 * ceiling_positive):
        warnings.append(f"研修前から最上位の回答が{d_pre['top']:.0f}%、肯定的な回答が{d_pre['pct']:.0f}%あり、"
                        "改善の余地が小さい(天井効果)")
    row["direction"] = _direction(effect)
    row["warning"] = "／".join(warnings)
    return row


def _item_order(answers, info: dict) -> list[str]:
    present = list(dict.fromkeys(answers["item"]))
    listed = [it for it in info.get("items", {}) if it in set(present)]
    return listed + [it for it in present if it not in set(listed)]


def _id_order(key: str):
    """Numbers in numeric order ("2" before "10"), then other ids as text: a stable, readable order."""
    return (0, len(key), key) if key.isascii() and key.isdigit() else (1, 0, key)


def _check_keys(answers, keys) -> None:
    """Two answers to one item in one phase under one pairing key cannot be paired: say where they are.

    read_survey has already refused such files with the rows of the file; this guards answers built
    another way (and a dict keyed by respondent would otherwise silently keep only the last answer).
    """
    named = keys != ""
    if not named.any():
        return
    frame = answers.loc[named, ["phase", "item", "respondent", "source_file", "source_row"]].assign(_k=keys[named])
    dup = frame[frame.duplicated(["phase", "item", "_k"], keep=False)]
    if not len(dup):
        return
    first = dup.iloc[0]
    same = dup[(dup["phase"] == first["phase"]) & (dup["item"] == first["item"]) & (dup["_k"] == first["_k"])]
    written = list(dict.fromkeys(same["respondent"]))
    rows = [int(r) for r in same["source_row"] if not _missing(r)]
    where = "、".join(f"「{w}」" for w in written)
    why = ("" if len(written) == 1 else
           f"(数字だけのIDとして先頭の0を除くと同じ番号「{first['_k']}」です)")
    raise InputError(
        f"項目「{first['item']}」の{PHASE_JA.get(first['phase'], first['phase'])}に、回答者ID{where}{why}の"
        f"回答が{len(same)}件あり、研修前後の対応づけができません"
        + (f"({'、'.join(str(r) for r in rows)}行目)。" if rows else "。"),
        file=None if _missing(first["source_file"]) else str(first["source_file"]),
        row=rows[1] if len(rows) > 1 else None, column="respondent",
        hint="別の人なら重ならないIDに、同じ人なら重複した回答を削除してください")


def _missing(v) -> bool:
    import pandas as pd

    return v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)) or v == ""


def _pairing_summary(answers, keys) -> dict:
    """Counts of respondents (not answers) over all items, and a Japanese sentence saying them.

    Also the pairs found only because leading zeros were ignored (written differently before and after),
    so that the user can check them: ``ids_paired_ignoring_zeros`` lists them as written, in id order.
    """
    written: dict[str, dict[str, set]] = {"pre": {}, "post": {}}
    for ph in ("pre", "post"):
        mask = (answers["phase"] == ph).to_numpy() & (keys != "")
        for k, w in zip(keys[mask], answers.loc[mask, "respondent"]):
            written[ph].setdefault(k, set()).add(w)
    ids = {ph: set(written[ph]) for ph in ("pre", "post")}
    anon = {ph: len(set(answers.loc[(answers["phase"] == ph).to_numpy() & (keys == ""),
                                    ["source_file", "source_row"]].itertuples(index=False)))
            for ph in ("pre", "post")}
    both = len(ids["pre"] & ids["post"])
    only_pre = len(ids["pre"] - ids["post"]) + anon["pre"]
    only_post = len(ids["post"] - ids["pre"]) + anon["post"]
    rescued = sorted((k for k in ids["pre"] & ids["post"] if not written["pre"][k] & written["post"][k]),
                     key=_id_order)
    shown = [{ph: "/".join(sorted(written[ph][k], key=lambda w: (len(w), w))) for ph in ("pre", "post")}
             for k in rescued]
    if both == 0 and not ids["pre"] and not ids["post"]:
        text = (f"回答者IDがないため研修前と研修後を対応づけられません(研修前{only_pre}人、研修後{only_post}人)。"
                "対応のない検定(Mann–Whitney U 検定、Fisher の正確検定)を用いました。")
    elif both == 0:
        text = (f"回答者IDが研修前と研修後で一致しません(研修前のみ{only_pre}人、研修後のみ{only_post}人)。"
                "対応のない検定を用いました。")
    else:
        text = (f"回答者IDで対応づけました: 対応あり{both}人、研修前のみ{only_pre}人、研修後のみ{only_post}人。"
                "対応のある項目は対応のある対だけで検定しました。")
    if rescued:
        ex = shown[0]
        text += (f"対応あり{both}人のうち{len(rescued)}人は研修前と研修後で回答者IDの書き方が違い"
                 f"(例: 研修前「{ex['pre']}」、研修後「{ex['post']}」)、数字だけのIDとして先頭の0を除いた番号で"
                 "照合して対応づけました。")
    return dict(n_paired=both, n_only_pre=only_pre, n_only_post=only_post, text=text,
                n_paired_ignoring_zeros=len(rescued), ids_paired_ignoring_zeros=shown)


def compare_items(answers, *, alpha: float = 0.05, freetext=None, info: dict | None = None,
                  scales: Scales | str | None = None, min_pair_share: float = 0.5,
                  ceiling_share: float = 0.5, ceiling_positive: float = 0.9,
                  exact: bool = True, exact_ties: bool | None = None) -> SurveyResult:
    """Compare each item before and after; see the module notes and docs/survey.md.

    Ceiling warning: before the course, at least ``ceiling_share`` of answers in the top category or at
    least ``ceiling_positive`` of answers positive (the binary tests then cannot show a gain).
    ``exact`` (default): exact conditional p values for N < 50, ties and zeros included; False: R's default
    (exact only without ties or zeros). ``exact_ties`` is the former name of ``exact``. The normal
    approximation is always given beside it (``wilcoxon_p_normal`` / ``mannwhitney_p_normal``).
    """
    import pandas as pd

    from issuemine.schema import ANSWERS

    if exact_ties is not None:
        exact = bool(exact_ties)
    ride = carried(answers)
    answers = ANSWERS.conform(answers)
    answers.attrs = {"survey": ride}
    info = dict(ride.info if info is None else info)
    if freetext is None:
        freetext = pd.DataFrame(list(ride.freetext),
                                columns=["respondent", "phase", "column", "text", "source_file", "source_row"])
    scales = scales if isinstance(scales, Scales) else load_scales(scales)
    # positional array, not a Series: the caller's index may repeat labels
    keys = np.array([respondent_key(r) for r in answers["respondent"].fillna("").astype(str)], dtype=object)
    _check_keys(answers, keys)
    rows = []
    for item in _item_order(answers, info):
        in_item = (answers["item"] == item).to_numpy()
        sub = answers[in_item]
        sid = sub["scale"].iloc[0]
        if sid not in scales:
            raise ConfigError(f"項目「{item}」の尺度「{sid}」が尺度ファイルにありません。", file=scales.source)
        rows.append(_compare_one(item, sub, keys[in_item], scales[sid], min_pair_share, ceiling_share,
                                 ceiling_positive, exact))
    items = pd.DataFrame(rows, columns=[c for c in COLUMNS if c not in ("p_holm", "p_holm_positive",
                                                                        "significant")])
    if len(items):
        items["p_holm"] = stats.holm(items["p"].to_numpy(dtype=float))
        positive_p = items["mcnemar_p"].where(items["paired"], items["fisher_p"])
        items["p_holm_positive"] = stats.holm(positive_p.to_numpy(dtype=float))
        items["significant"] = items["p_holm"] < alpha
    else:
        items = items.reindex(columns=COLUMNS)
    items = items[COLUMNS]
    for c in ("n_pairs", "n_pre", "n_post", "n_only_pre", "n_only_post", "wilcoxon_n", "n_zero_diff", "r_n",
              "mcnemar_b", "mcnemar_c"):
        items[c] = items[c].astype("Int64")
    items["paired"] = items["paired"].astype(bool)
    items["significant"] = items["significant"].astype(bool)
    pairing = _pairing_summary(answers, keys)
    info.update(pairing=pairing, pairing_ja=pairing["text"], zero_differences=ZERO_HANDLING,
                methods=METHODS if exact else {**METHODS, **METHODS_NORMAL},
                alpha=alpha, min_pair_share=min_pair_share, ceiling_share=ceiling_share,
                ceiling_positive=ceiling_positive, exact=exact,
                scales={sid: {"labels": {str(v): scales[sid].labels[v] for v in scales[sid].values},
                              "positive": sorted(scales[sid].positive)}
                        for sid in sorted(set(answers["scale"]))},
                phases=PHASE_JA)
    order = {"pre": 0, "post": 1}
    if len(freetext):
        freetext = (freetext.assign(_o=freetext["phase"].map(order))
                    .sort_values(["_o", "respondent", "column", "text"], kind="mergesort")
                    .drop(columns="_o").reset_index(drop=True))
    return SurveyResult(items=items.reset_index(drop=True), info=info, freetext=freetext, answers=answers)
