// Shapes of the values the Rust commands return (src-tauri/src/service.rs, the core's serde types).

export type Verdict = "valid" | "invalid" | "indeterminate";
export type Outcome = "pass" | "fail" | "skip" | "error";
export type CredentialClass = "micro-credential" | "edubadge" | "unknown";

/** One row of the backpack list (`Store::list`): no model parsing needed. */
/** The first page of the list and the list's length (the first screen's data). */
export interface ListHead {
  total: number;
  items: Summary[];
}

export interface Summary {
  id: string;
  title: string;
  issuer: string | null;
  issued: string | null;
  format: string;
  ects: number | null;
  hours: number | null;
  eqf_level: number | null;
  class: CredentialClass | string;
  verdict: Verdict | null;
  checked_at: string | null;
  has_picture: boolean;
}

/** Every command error: a stable code to match on and a message for people. */
export interface AppError {
  code: string;
  message: string;
}

export interface AppInfo {
  name: string;
  version: string;
  data_dir: string;
  key: "keyring" | "passphrase" | null;
  store_error: AppError | null;
  os_language: "nl" | "en";
}

export interface Check {
  check: string;
  outcome: Outcome;
  detail: string;
}

export interface ReportView {
  verdict: Verdict;
  checks: Check[];
  checked_at: string;
}

export interface LearningOutcome {
  text: string;
  description: string | null;
  url: string | null;
  framework: string | null;
  code: string | null;
  source: string;
}

export interface Credential {
  id: string;
  credential_id: string | null;
  format: string;
  types: string[];
  name: string | null;
  issuer: {
    id: string | null;
    name: string | null;
    url: string | null;
    email: string | null;
    description: string | null;
    image: string | null;
    institution_identifier: string | null;
    institution_name: string | null;
    country: string | null;
  };
  achievement: {
    id: string | null;
    name: string | null;
    description: string | null;
    achievement_type: string | null;
    criteria: { url: string | null; narrative: string | null } | null;
    image: string | null;
    learning_outcomes: LearningOutcome[];
    ects: number | null;
    study_hours: number | null;
    study_hours_source: string | null;
    eqf_level: number | null;
    nlqf_level: string | null;
    language: string | null;
    programme_identifiers: string[];
    participation: string | null;
    assessment_type: string | null;
    assessment_supervised: string | null;
    quality_assurance: { name: string | null; url: string | null; description: string | null } | null;
    stackable: boolean | null;
    badge_class_type: string | null;
    tags: string[];
  };
  recipient: {
    identity: string | null;
    hashed: boolean;
    salt: string | null;
    identity_type: string | null;
    name: string | null;
  } | null;
  issued: string | null;
  valid_from: string | null;
  valid_until: string | null;
  evidence: { id: string | null; name: string | null; description: string | null; narrative: string | null }[];
  status: { kind: string; id: string | null; list_url: string | null; index: string | null; purpose: string | null } | null;
  proofs: { kind: string; cryptosuite: string | null; verification_method: string | null; created: string | null; purpose: string | null; alg: string | null }[];
  hosted_url: string | null;
  contains: string[];
  warnings: string[];
}

export interface RuleResult {
  rule: string;
  outcome: "pass" | "fail" | "unknown";
  detail: string;
  /** The same in Dutch. */
  detail_nl: string;
}

export interface Assessment {
  class: CredentialClass;
  ects: number | null;
  hours: number | null;
  eqf: number | null;
  rules: RuleResult[];
}

export interface Detail {
  id: string;
  credential: Credential;
  assessment: Assessment;
  report: ReportView | null;
  original: string;
  media_type: string;
  format_label: string;
  source: string;
  imported_at: string;
  image: string | null;
}

export type ImportItem =
  | { kind: "path"; path: string }
  | { kind: "url"; url: string }
  | { kind: "text"; label: string; text: string }
  | { kind: "file"; name: string; base64: string };

export interface ItemResult {
  source: string;
  status: "imported" | "duplicate" | "rejected";
  ids: string[];
  error: AppError | null;
}

export interface ImportProgress {
  done: number;
  total: number;
  result: ItemResult;
}

export interface Written {
  path: string;
  count: number;
}

export interface RestoreReport {
  added: number;
  already_present: number;
  removed: number;
}

export interface Settings {
  language: "system" | "nl" | "en";
  theme: "system" | "light" | "dark";
  data_dir: string | null;
  verifier_url: string;
}

export interface LaunchItems {
  items: ImportItem[];
  problems: { arg: string; code: string }[];
}

/** A pathway's goal (decimals arrive as numbers). */
export interface Goal {
  ects: number | null;
  hours: number | null;
  minEqf: number | null;
  deadline: string | null;
  requiredCredentials: { achievementId?: string; name?: string }[];
  requiredOutcomes: string[];
}

/** What is missing, or an overlap: a kind with its facts, and the English sentence. */
export type Gap =
  | { kind: "gone"; id: string; text: string }
  | { kind: "ects" | "hours"; more: number; have: number; target: number; text: string }
  | { kind: "level-below"; title: string; level: number; min: number; text: string }
  | { kind: "level-unknown"; title: string; min: number; text: string }
  | { kind: "required-credential"; name: string; text: string }
  | { kind: "required-outcome"; outcome: string; text: string }
  | { kind: "deadline-passed"; deadline: string; text: string }
  | { kind: "not-counted"; title: string; invalid: boolean; text: string }
  | { kind: "same-achievement"; a: string; b: string; text: string }
  | { kind: "shared-outcomes"; a: string; b: string; count: number; text: string };

export type Standing = "counted" | "invalid" | "unverified";

export interface MemberProgress {
  id: string;
  title: string;
  issued: string | null;
  ects: number | null;
  hours: number | null;
  eqf: number | null;
  standing: Standing;
}

export interface Progress {
  ects: number;
  hours: number;
  ects_apart: number;
  target_ects: number | null;
  target_hours: number | null;
  levels: Record<string, number>;
  members: MemberProgress[];
  missing: Gap[];
  overlaps: Gap[];
  complete: boolean;
}

export interface PathwayView {
  id: string;
  name: string;
  description: string | null;
  goal: Goal;
  members: string[];
  progress: Progress;
}

export interface PathwayDraft {
  name: string;
  description: string | null;
  goal: Goal;
}

export interface Suggestion {
  name: string;
  reason: string;
  members: string[];
}

export interface PathwayImported {
  pathway: PathwayView;
  not_held: { achievementId?: string; name?: string }[];
}

export interface ExemptionRequest {
  pathway: string | null;
  ids: string[];
  learner: string | null;
  request: string | null;
  lang: "nl" | "en";
  verify: boolean;
}

export interface DossierWritten {
  folder: string;
  files: string[];
  credentials: number;
}

export type ShareState = "live" | "expired" | "revoked";
export type LinkKind = "issuer" | "short" | "self-contained";

export interface ShareRow {
  id: string;
  credential: string;
  location: string;
  object_url: string;
  object_name: string;
  link: string;
  created: string;
  expires: string | null;
  revoked_at: string | null;
  state: ShareState;
  title: string;
}

export interface ShareView {
  id: string;
  base: string;
  self_contained: string;
  issuer: string | null;
  short: string | null;
  qr: { kind: LinkKind; link: string; svg: string } | null;
  qr_problem: AppError | null;
  linkedin_add: string;
  linkedin_share: string;
  locations: string[];
  shares: ShareRow[];
}

export interface LocationView {
  name: string;
  kind: "webdav" | "s3";
  target: string;
  public_url: string | null;
}

export interface LocationDraft {
  name: string;
  url: string;
  user: string | null;
  password: string | null;
  public_url: string | null;
}
