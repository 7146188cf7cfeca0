// Placeholder entry point until the CLI lands.
console.log('xaps');
