import { useState } from 'react';
import { GenIcon } from '../generate/GenIcon';

/**
 * The Delete (with an in-place confirmation) and Save buttons under an editor panel, shared by
 * the lookup and negative-preset editors. `testId` prefixes the buttons' test ids.
 */
export function EditorActions(props: {
  testId: string;
  /** What the confirmation asks: "Delete [colour]?". */
  confirmText: string;
  canDelete: boolean;
  canSave: boolean;
  busy: boolean;
  onDelete: () => Promise<void> | void;
  onSave: () => Promise<void> | void;
}) {
  const [confirming, setConfirming] = useState(false);
  const { testId, busy } = props;
  return (
    <div className="lk-actions">
      {props.canDelete &&
        (confirming ? (
          <span className="lk-confirm" role="group" aria-label="Confirm the deletion">
            {props.confirmText}
            <button
              type="button"
              className="button small danger"
              onClick={() => void props.onDelete()}
              disabled={busy}
              data-testid={`${testId}-delete-confirm`}
            >
              Delete
            </button>
            <button
              type="button"
              className="button small"
              onClick={() => setConfirming(false)}
              disabled={busy}
            >
              Keep
            </button>
          </span>
        ) : (
          <button
            type="button"
            className="button small"
            onClick={() => setConfirming(true)}
            disabled={busy}
            data-testid={`${testId}-delete`}
          >
            <GenIcon name="trash" size={14} /> Delete
          </button>
        ))}
      <span className="grow" />
      <button
        type="button"
        className="button small primary"
        onClick={() => void props.onSave()}
        disabled={!props.canSave}
        data-testid={`${testId}-save`}
      >
        {busy ? 'Saving…' : 'Save'}
      </button>
    </div>
  );
}
