/**
 * Projects group orders, assets, packs and templates. Tags may be put on projects, collections
 * and orders as well as assets.
 */
import { z } from 'zod';
import { event, method } from './define';

export const projectStatuses = ['active', 'archived', 'completed'] as const;
export type ProjectStatus = (typeof projectStatuses)[number];

export interface ProjectInfo {
  id: string;
  name: string;
  description: string;
  status: ProjectStatus;
  defaultModel: { id: string; name: string } | null;
  /** Parameters new orders in the project start from (size, steps, negative…). */
  defaultParams: Record<string, unknown> | null;
  featuredAssetIds: string[];
  counts: { assets: number; orders: number; packs: number; templates: number };
  tags: string[];
  deleted: boolean;
  createdAt: string;
  updatedAt: string;
}

const id = z.string().trim().min(1).max(64);
const name = z.string().trim().min(1, 'A project needs a name').max(120);

export const entityKinds = ['project', 'collection', 'order'] as const;

export const projectsMethods = {
  'projects.list': method(
    z
      .object({
        status: z.array(z.enum(projectStatuses)).max(3).optional(),
        includeDeleted: z.boolean().default(false),
      })
      .strict(),
    'Projects with their counts, most recently changed first.',
  )<ProjectInfo[]>(),
  'projects.get': method(z.object({ id }).strict(), 'One project.')<ProjectInfo>(),
  'projects.create': method(
    z
      .object({
        name,
        description: z.string().max(20_000).default(''),
        defaultModel: z.string().trim().min(1).max(500).optional(),
        defaultParams: z.record(z.string(), z.unknown()).optional(),
      })
      .strict(),
    'A new project.',
  )<ProjectInfo>(),
  'projects.update': method(
    z
      .object({
        id,
        name: name.optional(),
        description: z.string().max(20_000).optional(),
        status: z.enum(projectStatuses).optional(),
        /** A model id, name or file name; null clears it. */
        defaultModel: z.string().trim().min(1).max(500).nullable().optional(),
        defaultParams: z.record(z.string(), z.unknown()).nullable().optional(),
        featuredAssetIds: z.array(id).max(50).optional(),
      })
      .strict(),
    'Rename, describe, archive or complete a project; set its defaults and featured assets.',
  )<ProjectInfo>(),
  'projects.delete': method(
    z.object({ id }).strict(),
    'Move a project to the trash (its assets, orders and packs stay, no longer grouped until it is restored).',
  )<ProjectInfo>(),
  'projects.restore': method(
    z.object({ id }).strict(),
    'Restore a deleted project.',
  )<ProjectInfo>(),
  'projects.assign': method(
    z
      .object({
        id: id.nullable(),
        assetIds: z.array(id).max(100_000).default([]),
        orderIds: z.array(id).max(10_000).default([]),
        packIds: z.array(id).max(1000).default([]),
      })
      .strict(),
    'Put assets, orders and packs in a project (null takes them out of any).',
  )<ProjectInfo | null>(),
  'entityTags.set': method(
    z
      .object({
        kind: z.enum(entityKinds),
        id,
        tags: z.array(z.string().trim().min(1).max(100)).max(50),
      })
      .strict(),
    'The tags of a project, collection or order (replaces them; new tag names are created).',
  )<{ tags: string[] }>(),
} as const;

export const projectsEvents = {
  'projects.changed': event<{ id: string }>('A project was created, changed or deleted.'),
} as const;
