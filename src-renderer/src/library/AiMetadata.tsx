import { useState } from 'react';
import type { AssetDetail } from '@contract/index';
import { RemixButtons } from '../generate/RemixButtons';
import { toastError, useToasts } from '../stores/toasts';
import { LibIcon } from './LibIcon';
import { formatParameters, generationFacts } from './a1111';
import './culling.css';

export async function copyText(text: string, what: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
    useToasts.getState().push({ kind: 'success', title: `Copied ${what}` });
  } catch (err) {
    toastError(`Could not copy ${what}`, err);
  }
}

/** Over this many characters a prompt starts folded to a few lines, with "Show all". */
const longPrompt = 220;

function PromptText({
  text,
  negative = false,
  testId,
}: {
  text: string;
  negative?: boolean;
  testId: string;
}) {
  const long = text.length > (negative ? 90 : longPrompt);
  const [open, setOpen] = useState(false);
  return (
    <div className={`ai-prompt${negative ? ' negative' : ''}`}>
      {negative && <span className="ai-prompt-label">Negative</span>}
      <p className={long && !open ? 'folded' : ''} data-testid={testId}>
        {text}
      </p>
      <div className="ai-prompt-actions">
        {long && (
          <button
            type="button"
            className="link subtle"
            aria-expanded={open}
            onClick={() => setOpen(!open)}
          >
            {open ? 'Show less' : 'Show all'}
          </button>
        )}
        <button
          type="button"
          className="icon-button"
          title={negative ? 'Copy the negative prompt' : 'Copy the prompt'}
          aria-label={negative ? 'Copy the negative prompt' : 'Copy the prompt'}
          onClick={() => void copyText(text, negative ? 'negative prompt' : 'prompt')}
        >
          <LibIcon name="copy" size={13} />
        </button>
      </div>
    </div>
  );
}

/**
 * What a creator culls AI images by, first: prompt (folded when long), negative, model, seed,
 * sampler, steps, CFG, size and LoRAs; "Copy all parameters" in A1111 format, and Remix. In the
 * detail panel's head and in review mode's info overlay (I).
 */
export function AiMetadata({
  d,
  variant = 'panel',
}: {
  d: AssetDetail;
  variant?: 'panel' | 'overlay';
}) {
  const g = d.generation;
  const prompt = g?.prompt ?? d.prompt;
  const negative = g?.negativePrompt ?? d.negativePrompt;
  const facts = generationFacts(d);
  const canRemix = d.provenance === 'ai_generated' && d.type === 'image';
  return (
    <section
      className={`ai-meta ai-meta-${variant}`}
      aria-label="Generation"
      data-testid={variant === 'panel' ? 'ai-metadata' : 'review-info'}
    >
      <h3>Generation{g ? <span className="ai-tool"> · {g.tool}</span> : null}</h3>
      {prompt && <PromptText key={`p-${d.id}`} text={prompt} testId="ai-prompt" />}
      {negative && <PromptText key={`n-${d.id}`} text={negative} negative testId="ai-negative" />}
      {facts.length > 0 && (
        <dl className="ai-facts">
          {facts.map(([k, v], i) => (
            <div key={`${k}-${i}`} className={k === 'Model' || k === 'LoRA' ? 'wide' : ''}>
              <dt>{k}</dt>
              <dd title={v} data-testid={`ai-${k.toLowerCase()}`}>
                {v}
              </dd>
            </div>
          ))}
        </dl>
      )}
      <div className="ai-actions">
        <button
          type="button"
          className="button"
          data-testid="copy-parameters"
          title="Copy the prompt, negative prompt and settings as A1111 parameters"
          onClick={() => void copyText(formatParameters(d), 'all parameters')}
        >
          <LibIcon name="copy" size={14} /> Copy all parameters
        </button>
      </div>
      {canRemix && <RemixButtons assetId={d.id} />}
    </section>
  );
}
