import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { AppError } from '../../../contract/errors';
import type { TrainingConfig } from '../../../contract/training';
import type { Atelier } from '../../app/atelier';
import { describeModelFile } from '../../models/files/describeModel';
import { statements } from '../../db/statements';
import { findModel, requireModel } from '../../models/resolveModel';

export interface BaseModel {
  id: string | null;
  name: string;
  family: string | null;
  /** A checkpoint file or a diffusers folder on this computer. */
  path: string;
  nonCommercial: boolean;
  licenseNote: string | null;
}

/** kohya's script for a family; families it cannot train here are refused in words. */
export function scriptFor(family: string | null, name: string): TrainingConfig['script'] {
  switch (family) {
    case 'sd15':
    case 'sd2':
    case null:
    case 'unknown':
      return 'train_network.py';
    case 'sdxl':
      return 'sdxl_train_network.py';
    case 'flux':
      throw new AppError(
        'invalid_input',
        `${name} is a FLUX model: FLUX LoRAs need its separate CLIP-L, T5-XXL and autoencoder files, which Atelier cannot hand to kohya yet. Train on an SD 1.5 or SDXL checkpoint.`,
      );
    default:
      throw new AppError(
        'invalid_input',
        `${name} is a ${family} model; kohya LoRA training here supports SD 1.x/2.x and SDXL checkpoints.`,
      );
  }
}

/** A diffusers folder's family from its UNet's cross-attention width. */
function diffusersFamily(dir: string): string | null {
  try {
    const index = JSON.parse(readFileSync(path.join(dir, 'model_index.json'), 'utf8')) as {
      _class_name?: string;
    };
    if (/XL/i.test(index._class_name ?? '')) return 'sdxl';
    if (/Flux/i.test(index._class_name ?? '')) return 'flux';
    const unet = JSON.parse(readFileSync(path.join(dir, 'unet/config.json'), 'utf8')) as {
      cross_attention_dim?: number;
    };
    if (unet.cross_attention_dim === 1024) return 'sd2';
    if (unet.cross_attention_dim === 2048) return 'sdxl';
    return 'sd15';
  } catch {
    return null;
  }
}

/**
 * The base model a run names: a checkpoint in the registry (by id, name or file), or a path to
 * a checkpoint file or a diffusers folder. Training needs the file on this computer; a file
 * that is not a checkpoint is refused with what it is instead.
 */
export async function resolveBaseModel(core: Atelier, ref: string): Promise<BaseModel> {
  const asPath = path.isAbsolute(ref) && existsSync(ref) ? ref : null;
  if (asPath && statSync(asPath).isDirectory()) {
    if (!existsSync(path.join(asPath, 'model_index.json')))
      throw new AppError(
        'invalid_input',
        `${asPath} is a folder but not a diffusers model (it has no model_index.json).`,
      );
    return {
      id: null,
      name: path.basename(asPath),
      family: diffusersFamily(asPath),
      path: asPath,
      nonCommercial: false,
      licenseNote: null,
    };
  }
  if (asPath) {
    let facts;
    try {
      facts = await describeModelFile(asPath);
    } catch (err) {
      throw new AppError(
        'invalid_input',
        `${path.basename(asPath)} is not a model file: ${(err as Error).message}`,
      );
    }
    if (facts.kind && facts.kind !== 'checkpoint')
      throw new AppError(
        'invalid_input',
        `${path.basename(asPath)} is a ${facts.kind === 'lora' ? 'LoRA' : facts.kind}, not a base model: train on a checkpoint.`,
      );
    const known = findModel(core, asPath);
    return {
      id: known?.id ?? null,
      name: known?.name ?? path.basename(asPath).replace(/\.[^.]+$/, ''),
      family: facts.family === 'unknown' ? (known?.family ?? null) : facts.family,
      path: asPath,
      nonCommercial: known?.nonCommercial ?? false,
      licenseNote: null,
    };
  }
  const m = requireModel(core, ref, 'checkpoint');
  const local = m.files.find((f) => f.location === 'local' && existsSync(f.path));
  if (!local)
    throw new AppError(
      'invalid_input',
      `${m.name} is not on this computer (only on an engine server): training needs the checkpoint file here. Put it in a model folder and scan.`,
    );
  let facts;
  try {
    facts = await describeModelFile(local.path);
  } catch (err) {
    throw new AppError(
      'invalid_input',
      `${m.name} is not a usable model file: ${(err as Error).message}`,
    );
  }
  const note = statements(core.sqlite)
    .get(`SELECT license_note FROM models WHERE id = ?`)
    .get(m.id) as { license_note: string | null } | undefined;
  return {
    id: m.id,
    name: m.name,
    family: m.family ?? (facts.family === 'unknown' ? null : facts.family),
    path: local.path,
    nonCommercial: m.nonCommercial,
    licenseNote: note?.license_note ?? null,
  };
}
