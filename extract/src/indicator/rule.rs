//! The rules that name and attach figures; each indicator records the one that made it.

use std::fmt;

/// A naming, join or attachment rule. `as_str` is what the API reports in `Indicator.rule`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Rule {
    /// Named by the words before the figure.
    Level,
    /// Named by the noun after the figure, measured by the words before (投资近1亿元的…项目).
    LevelOfNoun,
    /// Named by the noun the figure counts (建成12个美丽乡村示范村).
    LevelCountedNoun,
    /// The share of a group that has a property (60%的乡镇有养老服务中心 → 有养老服务中心的乡镇比例).
    ShareWithProperty,
    /// A count heading its clause, named by its noun without the predicate (12个…项目开工建设).
    SubjectCount,
    /// Places counted by the work done in them, said after 的 (6个乡镇、81个村的垃圾一体化处理 → 垃圾一体化处理村).
    PlacesOfWork,
    /// Named by the action done to it, when a frame (对, 为) fronts it (对95名困难群众实施了救助).
    ObjectOfAction,
    /// 分别: names before, figures after, in order.
    Respectively,
    /// A count of visits keeps its unit in its name (服务群众2.3万人次).
    PersonTimes,
    /// Households or people named by the outcome they reached (173户稳定脱贫 → 稳定脱贫户).
    OutcomeReached,
    /// A list item shares the head noun of the item before (唯一住房农户517户、非唯一住房80户).
    ListHeadNoun,
    /// A figure without words of its own shares the next figure's noun.
    SharedNoun,
    /// A noun elided in the text, put back from the clause or figure before.
    ElidedNoun,
    /// A list item after 、 that shares the verb of the item before.
    ListSharedVerb,
    /// An attribute (总量, 面积) of the thing named before.
    AttributeOf,
    /// A share (占…%) of the figure before.
    ShareOf,
    /// A second figure of the same thing (132户265人).
    AdjacentFigures,
    /// Households counted alone (户数), and the people in the households counted before (人口).
    HouseholdsAndPeople,
    /// A 其中 part of the figure before.
    PartOf,
    /// What a subject covers, item by item (实现45个村级、160个小区全覆盖).
    Coverage,
    /// The earlier figure of 由…为/从…到.
    FromToOld,
    /// The later figure of 由…为/从…到.
    FromTo,
    /// A rate said 均 of a list: each item's rate.
    SharedRate,
    /// The spending of a project, without the verbs of pursuing it (实施…项目投资 → …项目投资).
    ProjectSpending,
    /// A list said 均 of one figure (or a list of rates before it): one indicator per item.
    ListSharedFigure,
    /// An absolute change (增加…万元) as a figure of its own.
    AbsoluteChange,
    /// One change said of a list of subjects.
    ListSharedChange,
    /// A change with a subject of its own and no level figure.
    ChangeOnly,
    /// A rank with a subject of its own and no figure.
    RankOnly,
}

impl Rule {
    pub fn as_str(self) -> &'static str {
        match self {
            Rule::Level => "level",
            Rule::LevelOfNoun => "level_of_noun",
            Rule::LevelCountedNoun => "level_counted_noun",
            Rule::ShareWithProperty => "share_with_property",
            Rule::SubjectCount => "subject_count",
            Rule::PlacesOfWork => "places_of_work",
            Rule::ObjectOfAction => "object_of_action",
            Rule::Respectively => "respectively",
            Rule::PersonTimes => "person_times",
            Rule::OutcomeReached => "outcome_reached",
            Rule::ListHeadNoun => "list_head_noun",
            Rule::SharedNoun => "shared_noun",
            Rule::ElidedNoun => "elided_noun",
            Rule::ListSharedVerb => "list_shared_verb",
            Rule::AttributeOf => "attribute_of",
            Rule::ShareOf => "share_of",
            Rule::AdjacentFigures => "adjacent_figures",
            Rule::HouseholdsAndPeople => "households_and_people",
            Rule::PartOf => "part_of",
            Rule::Coverage => "coverage",
            Rule::FromToOld => "from_to_old",
            Rule::FromTo => "from_to",
            Rule::SharedRate => "shared_rate",
            Rule::ProjectSpending => "project_spending",
            Rule::ListSharedFigure => "list_shared_figure",
            Rule::AbsoluteChange => "absolute_change",
            Rule::ListSharedChange => "list_shared_change",
            Rule::ChangeOnly => "change_only",
            Rule::RankOnly => "rank_only",
        }
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
