import { ERASED, maskPersonal, maskPersonalFields, PersonalDataRegistry } from './personal-data';

describe('personal data', () => {
  it('masks each kind so that it can be recognised, not used', () => {
    expect(maskPersonal('phone', '13912345678')).toBe('139****5678');
    expect(maskPersonal('phone', '010-88886666')).toBe('010*****6666');
    expect(maskPersonal('phone', '12345')).toBe('1****');
    expect(maskPersonal('email', 'li.na@example.gov.cn')).toBe('l***@example.gov.cn');
    expect(maskPersonal('id-card', '11010519491231002X')).toBe('1101**********002X');
    expect(maskPersonal('name', '李娜')).toBe('李*');
    expect(maskPersonal('name', '欧阳娜娜')).toBe('欧**娜');
    expect(maskPersonal('text', 'secret-value')).toBe('s********');
    expect(maskPersonal('phone', null)).toBeNull();
    expect(maskPersonal('email', ERASED)).toBe(ERASED);
  });

  it('masks the declared fields of an event, nested ones too, and leaves the rest', () => {
    const registry = new PersonalDataRegistry();
    registry.register([{ eventType: 'X', subjectPath: 'who', fields: [{ path: 'phone', kind: 'phone' }, { path: 'contact.idCard', kind: 'id-card' }] }]);
    const data = { who: 'p1', phone: '13912345678', contact: { idCard: '11010519491231002X', note: 'n' } };
    expect(maskPersonalFields(registry, 'X', data)).toEqual({ who: 'p1', phone: '139****5678', contact: { idCard: '1101**********002X', note: 'n' } });
    expect(data.phone).toBe('13912345678');
    expect(maskPersonalFields(registry, 'Y', data)).toBe(data);
  });

  it('refuses a type declared twice differently, or with no field', () => {
    const registry = new PersonalDataRegistry();
    registry.register([{ eventType: 'X', subjectPath: 'who', fields: [{ path: 'phone', kind: 'phone' }] }]);
    registry.register([{ eventType: 'X', subjectPath: 'who', fields: [{ path: 'phone', kind: 'phone' }] }]);
    expect(() => registry.register([{ eventType: 'X', subjectPath: 'who', fields: [{ path: 'email', kind: 'email' }] }])).toThrow(/twice/);
    expect(() => registry.register([{ eventType: 'Z', subjectPath: 'who', fields: [] }])).toThrow(/no field/);
  });
});
