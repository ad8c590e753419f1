import { EnhanceBar, EnhancedFrom } from './EnhanceControl';
import { ExpansionPreview, NegativePresetsRow } from './ExpansionPreview';
import { CLIP_CHUNK, estimateTokens, tokenBudget } from './formLogic';
import { Field } from './fields';
import { useGenerate } from './generateStore';

/** "≈ 42 / 75 tokens", as A1111 counts them; past 75 the prompt is read in chunks of 75. */
function TokenCount({ text, id, testId }: { text: string; id: string; testId: string }) {
  const tokens = estimateTokens(text);
  const { limit, chunks } = tokenBudget(tokens);
  const over = tokens > CLIP_CHUNK;
  return (
    <span
      id={id}
      className={`gen-tokens${over ? ' over' : ''}`}
      data-testid={testId}
      title={
        over
          ? `Past ${CLIP_CHUNK} tokens the prompt is split into chunks of ${CLIP_CHUNK} (“chunked”, as in A1111): words near a chunk’s edge lose weight. An estimate: word pieces × 1.3.`
          : 'An estimate: word pieces × 1.3.'
      }
    >
      ≈ {tokens} / {limit} tokens{over ? ` · chunked in ${chunks}` : ''}
    </span>
  );
}

export function PromptFields({ errors }: { errors: { prompt?: string; negative?: string } }) {
  const prompt = useGenerate((s) => s.form.prompt);
  const negative = useGenerate((s) => s.form.negative);
  const update = useGenerate((s) => s.update);
  const editPrompt = useGenerate((s) => s.editPrompt);
  return (
    <>
      <Field
        label="Prompt"
        id="gen-prompt"
        error={errors.prompt}
        actions={<TokenCount text={prompt} id="gen-prompt-tokens" testId="gen-prompt-tokens" />}
      >
        <textarea
          id="gen-prompt"
          className="gen-textarea"
          rows={5}
          value={prompt}
          onChange={(e) => editPrompt(e.target.value)}
          placeholder="a lighthouse on a cliff at dusk, volumetric light, 35mm"
          aria-describedby="gen-prompt-tokens"
          aria-invalid={!!errors.prompt || undefined}
          data-testid="gen-prompt"
          spellCheck
        />
        <EnhancedFrom />
        <EnhanceBar />
        <ExpansionPreview />
      </Field>
      <Field
        label="Negative prompt"
        id="gen-negative"
        error={errors.negative}
        actions={
          <TokenCount text={negative} id="gen-negative-tokens" testId="gen-negative-tokens" />
        }
      >
        <textarea
          id="gen-negative"
          className="gen-textarea negative"
          rows={2}
          value={negative}
          onChange={(e) => update({ negative: e.target.value })}
          placeholder="blurry, lowres, watermark"
          aria-describedby="gen-negative-tokens"
          aria-invalid={!!errors.negative || undefined}
          data-testid="gen-negative"
        />
        <NegativePresetsRow />
      </Field>
    </>
  );
}
