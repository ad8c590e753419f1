// The app plus the #/library-dev mount, for the library's own e2e and screenshots until
// LibraryView is wired into the Library page (test/e2e/libraryServe.ts builds from this entry).
import '../main';
import './devMount';
