"""The algebra of a task and its place in the hierarchy of bilinear RNNs
(docs/explanation/algebra.md, docs/explanation/levels.md).

Letter maps and invariants (:mod:`.letters`), the transition monoid with libsemigroups
(:mod:`.monoid`), finite groups (:mod:`.groups`), characters and minimal faithful degrees
(:mod:`.representations`), the hierarchy as data (:mod:`.hierarchy`), checkable witnesses
(:mod:`.witnesses`) and :func:`classify`.  Never imports torch.

Examples
--------
>>> from bilinear.automata import tasks
>>> from bilinear.theory import classify, transition_monoid
>>> c = classify(tasks.get("parity").dfa)
>>> c.minimal_level, c.levels["real_diagonal"].dim_upper
('real_diagonal', 1)
>>> transition_monoid(tasks.get("symmetric", n=3).dfa).size
6
"""

from bilinear.theory.classification import (
    DEFAULT_CLASSIFY_CAP,
    Classification,
    LevelVerdict,
    classify,
    classify_level,
    smallest_block,
)
from bilinear.theory.groups import (
    GroupInfo,
    R2Packing,
    SNFBasis,
    abelian_cost,
    abelian_invariant_factors,
    abelian_r2_packing,
    abelian_rank,
    abelian_snf,
    faithful_block_action,
    g2_subgroup,
    group_exponent,
    group_info,
    psi_blocks,
    transition_group,
    units_group,
)
from bilinear.theory.hierarchy import CHAIN, LEVELS, NOTIONS, Level, level, parameter_count
from bilinear.theory.letters import (
    LetterInfo,
    commutation_witness,
    index_period,
    is_commutative,
    letter_infos,
    letter_maps,
    minimal_automaton,
    word_map,
)
from bilinear.theory.monoid import (
    DEFAULT_CAP,
    MaximalSubgroup,
    TransitionMonoid,
    brute_force_monoid,
    transition_monoid,
    witness_search,
)
from bilinear.theory.representations import (
    CharacterTable,
    IsotypicComponent,
    RealIrrep,
    character_table,
    d_enc,
    f_C,
    f_R,
    faithful_sum,
    isotypic_partitions,
    minimal_normal_subgroups,
    orbitals,
    permutation_module_decomposition,
    real_irrep_matrices,
    real_irreps,
)
from bilinear.theory.suites import (
    SuiteClassification,
    SuiteTaskClassification,
    classify_suite,
    witness_text,
)
from bilinear.theory.witnesses import WITNESS_KINDS, Witness, check_witness_basic

__all__ = [
    "CHAIN",
    "DEFAULT_CAP",
    "DEFAULT_CLASSIFY_CAP",
    "LEVELS",
    "NOTIONS",
    "WITNESS_KINDS",
    "CharacterTable",
    "Classification",
    "GroupInfo",
    "IsotypicComponent",
    "LetterInfo",
    "Level",
    "LevelVerdict",
    "MaximalSubgroup",
    "RealIrrep",
    "SNFBasis",
    "SuiteClassification",
    "SuiteTaskClassification",
    "TransitionMonoid",
    "R2Packing",
    "Witness",
    "abelian_cost",
    "abelian_r2_packing",
    "abelian_invariant_factors",
    "abelian_rank",
    "abelian_snf",
    "brute_force_monoid",
    "character_table",
    "check_witness_basic",
    "classify",
    "classify_suite",
    "classify_level",
    "smallest_block",
    "commutation_witness",
    "d_enc",
    "f_C",
    "f_R",
    "faithful_block_action",
    "faithful_sum",
    "g2_subgroup",
    "group_exponent",
    "group_info",
    "index_period",
    "isotypic_partitions",
    "is_commutative",
    "letter_infos",
    "letter_maps",
    "level",
    "minimal_automaton",
    "minimal_normal_subgroups",
    "orbitals",
    "parameter_count",
    "permutation_module_decomposition",
    "psi_blocks",
    "real_irrep_matrices",
    "real_irreps",
    "transition_group",
    "transition_monoid",
    "units_group",
    "witness_search",
    "witness_text",
    "word_map",
]
