import type { TrainingDetail } from '@contract/index';
import { api } from '../api/client';
import { useGenerate } from '../generate/generateStore';
import { modelRef } from '../models/labels';
import { useNav } from '../stores/navigation';
import { toastError, toastInfo } from '../stores/toasts';

/**
 * A LoRA of a run in the Generate form, through the form's own store: the run's base model as
 * the model (when it can generate here), the LoRA in the list in place of the run's other saves,
 * and the trigger token at the head of the prompt. Then the Generate page opens.
 */
export async function sendLoraToGenerate(run: TrainingDetail, modelId: string): Promise<void> {
  try {
    const g = useGenerate.getState();
    const [lora] = await Promise.all([
      api.call('models.get', { ref: modelId }),
      g.checkpoints === null || g.loraModels === null ? g.loadModels() : undefined,
    ]);
    const s = useGenerate.getState();
    const base = s.checkpoints?.find((m) => m.id !== null && m.id === run.baseModel.id);
    if (base) s.selectModel(modelRef(base));
    const siblings = new Set(run.loras.map((l) => l.modelId));
    for (const row of useGenerate.getState().form.loras)
      if (siblings.has(row.ref) && row.ref !== modelRef(lora)) s.removeLora(row.key);
    if (!useGenerate.getState().form.loras.some((l) => l.ref === modelRef(lora))) s.addLora(lora);
    const token = run.triggerToken;
    const prompt = useGenerate.getState().form.prompt.trim();
    const has = prompt
      .split(',')
      .map((p) => p.trim().toLowerCase())
      .includes(token.toLowerCase());
    if (!has) s.editPrompt(prompt ? `${token}, ${prompt}` : token);
    useGenerate.setState({ phase: 'edit', error: null });
    useNav.getState().go('generate');
    toastInfo(
      `${lora.name} is in the Generate form`,
      `Its trigger token “${token}” leads the prompt.`,
    );
  } catch (err) {
    toastError('Could not use this LoRA in Generate', err);
  }
}
