/**
 * The typed Database interface kysely checks every query against. It describes the schema as
 * the latest migration leaves it; migrations themselves use Kysely<any> to stay frozen in time.
 * SQLite has no booleans: 0/1 integers are typed as number and mapped at the edges.
 */
import type { Generated, Insertable, Selectable, Updateable } from 'kysely';
import type {
  AssetTypeName,
  ColorLabel,
  CurationStatusName,
  EndpointKind,
  JobStatusName,
  PackLicenseType,
  LinkSourceKind,
  ProvenanceName,
} from '../../contract';

// Enumerations come from the contract: the api, the renderer and the database agree by type.
export type AssetType = AssetTypeName;
export type Provenance = ProvenanceName;
export type CurationStatus = CurationStatusName;
export type JobStatus = JobStatusName;
export type LicenseType = PackLicenseType;

export interface UsersTable {
  id: string;
  name: string;
  /** Compared without case. */
  email: string | null;
  /** scrypt, as `scrypt$N$r$p$salt$hash` (base64url); null for the passwordless local owner. */
  password_hash: string | null;
  role: Generated<'owner' | 'admin' | 'member'>;
  disabled: Generated<number>;
  gpu_minutes_per_day: number | null;
  last_sign_in_at: string | null;
  created_at: string;
  updated_at: string;
}

/** A browser's sign-in in served mode (0010): sliding expiry, its own CSRF token. */
export interface SessionsTable {
  id: string;
  user_id: string;
  token_hash: string;
  created_at: string;
  expires_at: string;
  user_agent: Generated<string>;
  ip: Generated<string>;
  last_seen_at: string | null;
  csrf_token: Generated<string>;
}

/** Bearer tokens for scripts, per user (0010). */
export interface ApiTokensTable {
  id: string;
  user_id: string;
  name: string;
  token_hash: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

/** Sign-ins and what admins did (0010). */
export interface AuditLogTable {
  id: Generated<number>;
  at: string;
  user_id: string | null;
  ip: Generated<string>;
  action: string;
  target: string | null;
  details: string | null;
}

export interface SettingsTable {
  key: string;
  value: string;
  updated_at: string;
}

export interface ProjectsTable {
  id: string;
  name: string;
  description: Generated<string>;
  created_at: string;
  updated_at: string;
  deleted_at: string | null;
  /** 0013 */
  status: Generated<'active' | 'archived' | 'completed'>;
  default_model_id: string | null;
  default_params: string | null;
  featured_asset_ids: string | null;
  asset_count: Generated<number>;
  order_count: Generated<number>;
  pack_count: Generated<number>;
  template_count: Generated<number>;
}

export interface EntityTagsTable {
  entity_kind: 'project' | 'collection' | 'order';
  entity_id: string;
  tag_id: string;
  created_at: string;
}

export interface WatchFoldersTable {
  id: string;
  path: string;
  enabled: Generated<number>;
  recursive: Generated<number>;
  is_inbox: Generated<number>;
  default_theme: string | null;
  default_source: string | null;
  default_provenance: Provenance | null;
  last_scan_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface AssetsTable {
  rid: Generated<number>;
  id: string;
  path: string;
  folder_id: string | null;
  project_id: string | null;
  filename: string;
  ext: Generated<string>;
  type: AssetType;
  mime: string | null;
  sha256: string;
  phash: string | null;
  size_bytes: Generated<number>;
  mtime_ms: Generated<number>;
  width: number | null;
  height: number | null;
  duration_sec: number | null;
  sample_rate: number | null;
  channels: number | null;
  fps: number | null;
  codec: string | null;
  audio_codec: string | null;
  bit_rate: number | null;
  format: string | null;
  has_alpha: Generated<number>;
  has_audio: Generated<number>;
  is_animated: Generated<number>;
  orientation: number | null;
  title: Generated<string>;
  theme: string | null;
  source: string | null;
  provenance: Generated<Provenance>;
  status: Generated<CurationStatus>;
  rating: Generated<number>;
  liked: Generated<number>;
  notes: Generated<string>;
  prompt: string | null;
  negative_prompt: string | null;
  seed: string | null;
  model: string | null;
  model_hash: string | null;
  generation_params: string | null;
  raw_metadata: string | null;
  derived_from: string | null;
  derivation: string | null;
  is_upscaled: Generated<number>;
  job_id: string | null;
  thumb_key: string | null;
  missing: Generated<number>;
  created_at: string;
  added_at: string;
  updated_at: string;
  deleted_at: string | null;
  /** Since 0018: a Lightroom-style colour label. */
  color_label: ColorLabel | null;
  /** Since 0020: the language it is in (two-letter code) when known: subtitles, dubs, localised videos. */
  language: string | null;
}

export interface AssetsFtsTable {
  rowid: number;
  title: string;
  filename: string;
  prompt: string;
  notes: string;
  tags: string;
  /** Checkpoint, sampler and LoRA names (0009). */
  gen: string;
  /** What a subtitle file says (0021), written by ingest and job outputs, not by triggers. */
  said: string | null;
}

export interface TagsTable {
  id: string;
  name: string;
  color: string | null;
  usage_count: Generated<number>;
  created_at: string;
}

export interface AssetTagsTable {
  asset_id: string;
  tag_id: string;
  created_at: string;
}

export interface CollectionsTable {
  id: string;
  name: string;
  description: Generated<string>;
  cover_asset_id: string | null;
  smart_query: string | null;
  position: Generated<number>;
  created_at: string;
  updated_at: string;
  deleted_at: string | null;
}

export interface CollectionAssetsTable {
  collection_id: string;
  asset_id: string;
  position: number;
  added_at: string;
}

export interface PacksTable {
  id: string;
  project_id: string | null;
  name: string;
  slug: string;
  theme: string | null;
  description: Generated<string>;
  license_type: Generated<LicenseType>;
  version: Generated<string>;
  cover_asset_id: string | null;
  asset_count: Generated<number>;
  total_size_bytes: Generated<number>;
  export_path: string | null;
  exported_at: string | null;
  export_sha256: string | null;
  created_at: string;
  updated_at: string;
  deleted_at: string | null;
  /** 0004: JSON array of check keys the creator accepted. */
  accepted_warnings: Generated<string>;
  default_preset: string | null;
  /** 0015: export choices and marketing picks (migrations/0015_pack_selling.ts). */
  include_prompts: Generated<number>;
  strip_metadata: Generated<number>;
  hero_asset_id: string | null;
  collage_asset_ids: string | null;
  license_text: string | null;
  name_pattern: string | null;
  changelog: Generated<string>;
}

export interface PackExportsTable {
  id: string;
  pack_id: string;
  job_id: string | null;
  version: string;
  preset: string;
  status: Generated<'running' | 'completed' | 'failed' | 'cancelled'>;
  options: Generated<string>;
  out_dir: string;
  files: Generated<string>;
  sha256: string | null;
  total_bytes: Generated<number>;
  asset_count: Generated<number>;
  skipped: Generated<string>;
  error: string | null;
  verify_ms: number | null;
  started_at: string;
  finished_at: string | null;
}

export interface PackAssetsTable {
  pack_id: string;
  asset_id: string;
  position: number;
  export_filename: string | null;
  added_at: string;
}

export interface JobsTable {
  id: string;
  kind: string;
  status: Generated<JobStatus>;
  priority: Generated<number>;
  position: Generated<number>;
  /** Pool kinds the job can run on ("cpu", "comfyui|gpu"), or "@" + a pool id when pinned. */
  pool: Generated<string>;
  /** The pool it last ran on. */
  lease_pool: string | null;
  progress: Generated<number>;
  progress_message: string | null;
  eta_sec: number | null;
  /** Last telemetry (it/s, loss, step/total) as JSON. */
  metrics: string | null;
  params: Generated<string>;
  result: string | null;
  error: string | null;
  attempts: Generated<number>;
  max_attempts: Generated<number>;
  run_after: string | null;
  parent_id: string | null;
  asset_id: string | null;
  pack_id: string | null;
  created_by: string | null;
  title: Generated<string>;
  resource_seconds: Generated<number>;
  /** Seconds it held a GPU slot (this computer's GPU or a GPU server), and a CPU slot (0010). */
  gpu_seconds: Generated<number>;
  cpu_seconds: Generated<number>;
  /** What did the work ("ffmpeg", "Real-ESRGAN", "ComfyUI 'studio-pc'") and with which model. */
  engine: string | null;
  model: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  updated_at: string;
}

export interface JobSegmentsTable {
  id: string;
  job_id: string;
  idx: number;
  status: Generated<JobStatus>;
  progress: Generated<number>;
  params: Generated<string>;
  result: string | null;
  started_at: string | null;
  finished_at: string | null;
  label: string | null;
  start_ms: number | null;
  end_ms: number | null;
  attempts: Generated<number>;
  error: string | null;
  input_hash: string | null;
}

export interface JobLogsTable {
  id: Generated<number>;
  job_id: string;
  at: string;
  level: Generated<'debug' | 'info' | 'warn' | 'error'>;
  message: string;
}

export interface AssetCopiesTable {
  path: string;
  asset_id: string;
  folder_id: string | null;
  size_bytes: Generated<number>;
  mtime_ms: Generated<number>;
  missing: Generated<number>;
  added_at: string;
}

export interface IngestFailuresTable {
  id: string;
  path: string;
  folder_id: string | null;
  code: string;
  reason: string;
  size_bytes: number | null;
  mtime_ms: number | null;
  attempts: Generated<number>;
  first_at: string;
  last_at: string;
}

export interface MigrationHistoryTable {
  name: string;
  timestamp: string;
}

export interface Database {
  users: UsersTable;
  sessions: SessionsTable;
  settings: SettingsTable;
  projects: ProjectsTable;
  model_files: ModelFilesTable;
  orders: OrdersTable;
  order_items: OrderItemsTable;
  lookups: LookupsTable;
  entity_tags: EntityTagsTable;
  negative_presets: NegativePresetsTable;
  generation_templates: GenerationTemplatesTable;
  prompt_templates: PromptTemplatesTable;
  workspace_sessions: WorkspaceSessionsTable;
  workspace_items: WorkspaceItemsTable;
  watch_folders: WatchFoldersTable;
  assets: AssetsTable;
  assets_fts: AssetsFtsTable;
  tags: TagsTable;
  asset_tags: AssetTagsTable;
  collections: CollectionsTable;
  collection_assets: CollectionAssetsTable;
  packs: PacksTable;
  pack_assets: PackAssetsTable;
  pack_exports: PackExportsTable;
  jobs: JobsTable;
  job_segments: JobSegmentsTable;
  job_logs: JobLogsTable;
  migration_history: MigrationHistoryTable;
  asset_copies: AssetCopiesTable;
  ingest_failures: IngestFailuresTable;
  saved_searches: SavedSearchesTable;
  curation_undo: CurationUndoTable;
  forgotten_files: ForgottenFilesTable;
  library_tallies: LibraryTalliesTable;
  dup_hashes: DupHashesTable;
  models: ModelsTable;
  asset_models: AssetModelsTable;
  asset_links: AssetLinksTable;
  engine_endpoints: EngineEndpointsTable;
  api_tokens: ApiTokensTable;
  audit_log: AuditLogTable;
  datasets: DatasetsTable;
  dataset_items: DatasetItemsTable;
  trainings: TrainingsTable;
  training_points: TrainingPointsTable;
}

/** A training dataset (0014); captions live in dataset_items, never in the creator's files. */
export interface DatasetsTable {
  id: string;
  name: string;
  trigger_token: string;
  class_word: Generated<string>;
  repeats: Generated<number>;
  resolution: Generated<number>;
  bucketing: Generated<number>;
  min_images: Generated<number>;
  project_id: string | null;
  created_at: string;
  updated_at: string;
}

export interface DatasetItemsTable {
  dataset_id: string;
  asset_id: string;
  position: number;
  caption: Generated<string>;
  excluded: Generated<number>;
}

/** A LoRA training run (0014); its queue state is its job's, `paused` excepted. */
export interface TrainingsTable {
  id: string;
  name: string;
  dataset_id: string | null;
  dataset_name: string;
  trigger_token: string;
  base_model_id: string | null;
  base_model_name: string;
  base_family: string | null;
  trainer: Generated<string>;
  preset: string | null;
  /** JSON TrainingConfig. */
  config: string;
  job_id: string | null;
  paused: Generated<number>;
  step: Generated<number>;
  total_steps: number | null;
  last_loss: number | null;
  eta_sec: number | null;
  error: string | null;
  non_commercial: Generated<number>;
  chosen_model_id: string | null;
  project_id: string | null;
  created_by: string | null;
  created_at: string;
  updated_at: string;
  finished_at: string | null;
}

export interface TrainingPointsTable {
  training_id: string;
  step: number;
  loss: number;
}

/** Asset counts per (status, type, liked, missing, trashed), kept by triggers (0005). */
export interface LibraryTalliesTable {
  status: CurationStatus;
  type: AssetType;
  liked: number;
  missing: number;
  trashed: number;
  n: Generated<number>;
}

/** SHA-256s held by more than one live asset, kept by triggers (0005). */
export interface DupHashesTable {
  sha256: string;
}

/** Models and LoRAs the creator said something about (0007). */
export interface ModelsTable {
  id: string;
  match_key: string;
  name: string;
  kind: Generated<'checkpoint' | 'lora' | 'vae' | 'upscaler' | 'other'>;
  family: string | null;
  path: string | null;
  sha256: string | null;
  trigger_token: string | null;
  non_commercial: Generated<number>;
  license_note: string | null;
  metadata: string | null;
  /** 0011: what a scan of its file says. */
  format: string | null;
  base_model: string | null;
  resolution: string | null;
  /** JSON array of the training's most frequent tags. */
  trigger_words: string | null;
  description: string | null;
  autov2: string | null;
  size_bytes: number | null;
  created_at: string;
  updated_at: string;
  /** 0014: the training run that saved it, and at which step or epoch. */
  training_id: string | null;
  training_step: number | null;
  training_epoch: number | null;
}

/** A model file found locally or on an engine server (0011). */
export interface ModelFilesTable {
  location: string;
  path: string;
  model_id: string | null;
  kind: string | null;
  size_bytes: number | null;
  mtime_ms: number | null;
  sha256: string | null;
  problem: string | null;
  scanned_at: string;
}

export type OrderStatus = 'pending' | 'processing' | 'fulfilled' | 'failed' | 'cancelled';
export type OrderItemStatus = 'pending' | 'generating' | 'complete' | 'failed' | 'cancelled';

export interface OrdersTable {
  id: string;
  title: string;
  project_id: string | null;
  model_id: string | null;
  engine: 'sdcpp' | 'sdserver' | 'comfyui';
  endpoint_id: string | null;
  params: string;
  status: Generated<OrderStatus>;
  item_count: Generated<number>;
  complete_count: Generated<number>;
  failed_count: Generated<number>;
  cancelled_count: Generated<number>;
  job_id: string | null;
  created_by: string | null;
  created_at: string;
  updated_at: string;
  finished_at: string | null;
  /** 0012 */
  destination: Generated<'library' | 'workspace'>;
  workspace_session_id: string | null;
  source_prompt: string | null;
  warnings: string | null;
}

/** Named lists prompts draw from (0012). */
export interface LookupsTable {
  key: string;
  /** JSON array of strings. */
  vals: string;
  description: Generated<string>;
  category: Generated<string>;
  system: Generated<number>;
  created_at: string;
  updated_at: string;
}

export interface NegativePresetsTable {
  id: string;
  name: string;
  family: string | null;
  content_mode: Generated<'sfw' | 'nsfw' | 'any'>;
  text: string;
  priority: Generated<number>;
  active: Generated<number>;
  created_at: string;
  updated_at: string;
}

export interface GenerationTemplatesTable {
  id: string;
  name: string;
  model_id: string | null;
  params: string;
  project_id: string | null;
  usage_count: Generated<number>;
  created_at: string;
  updated_at: string;
}

/** Prompt templates for the prompt assistant (0013_prompt_templates); `system` ones ship read-only. */
export interface PromptTemplatesTable {
  id: string;
  name: string;
  system_prompt: string;
  max_tokens: number;
  target_model: string | null;
  temperature: Generated<number>;
  system: Generated<number>;
  created_at: string;
  updated_at: string;
}

export interface WorkspaceSessionsTable {
  id: string;
  title: string;
  created_by: string | null;
  created_at: string;
  updated_at: string;
}

export interface WorkspaceItemsTable {
  id: string;
  session_id: string;
  order_item_id: string | null;
  path: string;
  ext: string;
  width: number | null;
  height: number | null;
  prompt: string | null;
  negative_prompt: string | null;
  seed: string | null;
  model: string | null;
  model_id: string | null;
  generation_params: string | null;
  /** JSON: the output links it gets when kept. */
  links: string | null;
  status: Generated<'staged' | 'kept' | 'discarded'>;
  asset_id: string | null;
  expires_at: string;
  created_at: string;
  updated_at: string;
}

export interface OrderItemsTable {
  id: string;
  order_id: string;
  seq: number;
  status: Generated<OrderItemStatus>;
  generation_params: string;
  actual_params: string | null;
  returned_params: string | null;
  provider_request_id: string | null;
  endpoint_id: string | null;
  job_id: string | null;
  asset_ids: string | null;
  retries: Generated<number>;
  error: string | null;
  warnings: string | null;
  created_at: string;
  updated_at: string;
  finished_at: string | null;
}

/** Which models each asset's generation metadata names, kept by triggers (0007). */
export interface AssetModelsTable {
  asset_id: string;
  name: string;
  kind: string;
  hash: string | null;
}

/** An output's sources with their roles (0008): what it was made from. */
export interface AssetLinksTable {
  asset_id: string;
  role: string;
  source_kind: LinkSourceKind;
  source_id: string;
  position: Generated<number>;
  /** JSON: a LoRA's weight, a mask's channel… */
  details: string | null;
  created_at: string;
}

/** Engine servers (0008): each one is a pool of its own. */
export interface EngineEndpointsTable {
  id: string;
  kind: EndpointKind;
  name: string;
  url: string;
  /** JSON credentials for a proxy in front of the server; never sent to clients. */
  auth: string | null;
  slots: Generated<number>;
  enabled: Generated<number>;
  created_at: string;
  updated_at: string;
}

/** Files kept on disk whose assets were emptied from the trash: rescans leave them out. */
export interface ForgottenFilesTable {
  path: string;
  sha256: string;
  size_bytes: number;
  mtime_ms: number;
  forgotten_at: string;
}

export interface SavedSearchesTable {
  id: string;
  name: string;
  /** A LibraryFilter as JSON. */
  filter: string;
  /** A LibrarySort as JSON. */
  sort: string;
  position: Generated<number>;
  created_at: string;
  updated_at: string;
}

export interface CurationUndoTable {
  seq: Generated<number>;
  id: string;
  label: string;
  count: number;
  /** The inverse operations as JSON (core/curation/undoLog.ts). */
  payload: string;
  at: string;
}

export type AssetRow = Selectable<AssetsTable>;
export type NewAsset = Insertable<AssetsTable>;
export type AssetUpdate = Updateable<AssetsTable>;
export type WatchFolderRow = Selectable<WatchFoldersTable>;
export type JobRow = Selectable<JobsTable>;
export type PackRow = Selectable<PacksTable>;
