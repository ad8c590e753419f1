import { useState } from 'react';
import type { OrderSummary } from '@contract/index';
import { api } from '../api/client';
import { shortName } from '../models/labels';
import { toastInfo } from '../stores/toasts';
import { Dialog } from './Dialog';

/** "Save as template…" on an order card: its model and parameters under a name. */
export function SaveTemplateDialog({
  order,
  onClose,
}: {
  order: OrderSummary;
  onClose: () => void;
}) {
  const [name, setName] = useState(() => (order.sourcePrompt ?? order.title).slice(0, 60).trim());
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const save = async () => {
    if (!name.trim()) return setError('Give the template a name.');
    setBusy(true);
    setError(null);
    try {
      const t = await api.call('templates.saveFromOrder', { orderId: order.id, name: name.trim() });
      toastInfo('Template saved', `${t.name} · in Templates at the top of the form`);
      onClose();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
      setBusy(false);
    }
  };
  const p = order.params;
  return (
    <Dialog
      title="Save as template"
      onClose={onClose}
      busy={busy}
      testId="save-template-dialog"
      footer={
        <>
          <button type="button" className="button" onClick={onClose} disabled={busy}>
            Cancel
          </button>
          <button
            type="button"
            className="button primary"
            onClick={() => void save()}
            disabled={busy || !name.trim()}
            data-testid="save-template-confirm"
          >
            {busy ? 'Saving…' : 'Save template'}
          </button>
        </>
      }
    >
      <div className="dlg-field">
        <label htmlFor="save-template-name">Name</label>
        <input
          id="save-template-name"
          value={name}
          maxLength={120}
          onChange={(e) => setName(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              void save();
            }
          }}
          aria-invalid={!!error || undefined}
          data-testid="save-template-name"
        />
      </div>
      <p className="dlg-hint">
        Keeps {order.model ? shortName(order.model.name) : 'its model'}, the prompt
        {order.sourcePrompt ? ' as typed (with its brackets)' : ''}, {p.width}×{p.height}, {p.steps}{' '}
        steps, CFG {p.cfg}
        {p.loras.length ? ` and ${p.loras.length} LoRA${p.loras.length > 1 ? 's' : ''}` : ''}. The
        seed is not kept.
      </p>
      {error && (
        <p className="dlg-error" role="alert" data-testid="save-template-error">
          {error}
        </p>
      )}
    </Dialog>
  );
}
