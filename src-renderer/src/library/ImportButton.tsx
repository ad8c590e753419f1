import { useRef } from 'react';
import { create } from 'zustand';
import { Icon } from '../components/Icon';
import { importFiles as importDropped } from '../stores/ingest';

/** "Importing 3 of 12…" while files picked or dropped are uploaded; null when idle. */
const useUpload = create<{ label: string | null }>(() => ({ label: null }));

/** Uploads files picked with Import or dropped on the Library, showing progress on the button. */
export async function importWithProgress(files: File[]): Promise<void> {
  if (files.length === 0) return;
  useUpload.setState({ label: `Importing 0 of ${files.length}…` });
  try {
    await importDropped(files, (done, total) =>
      useUpload.setState({ label: `Importing ${done} of ${total}…` }),
    );
  } finally {
    useUpload.setState({ label: null });
  }
}

/** The Library's Import: a file picker for images, audio and video (the toolbar's primary action). */
export function ImportButton() {
  const label = useUpload((s) => s.label);
  const input = useRef<HTMLInputElement>(null);
  return (
    <>
      <input
        ref={input}
        type="file"
        multiple
        hidden
        accept="image/*,audio/*,video/*"
        data-testid="import-input"
        onChange={(e) => {
          void importWithProgress([...(e.target.files ?? [])]);
          e.target.value = '';
        }}
      />
      <button
        className="button primary import-button"
        onClick={() => input.current?.click()}
        disabled={label !== null}
        title="Add files to the library (or drop them onto the window)"
        data-testid="import-button"
      >
        <Icon name="inbox" size={15} /> <span className="import-label">{label ?? 'Import'}</span>
      </button>
    </>
  );
}
