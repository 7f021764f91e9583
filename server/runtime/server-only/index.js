// Empty on purpose: see package.json. Next's bundler never loads this file.
