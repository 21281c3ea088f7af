const { register } = await import('import-in-the-middle/register-hooks.mjs');
register({ include: ['express'] });
